from django.urls import path

from mutualaid.hubs import views

urlpatterns = [
    path("hubs/", views.find, name="hubs_find"),
]
