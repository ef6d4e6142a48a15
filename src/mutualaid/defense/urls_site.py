from django.urls import path

from mutualaid.defense import views

urlpatterns = [
    path("rights/<slug:slug>/", views.rights, name="defense_rights"),
]
