from django.urls import path

from mutualaid.opendata import views

urlpatterns = [
    path("", views.publishing, name="opendata_publishing"),
    path("offers.jsonld", views.offers, name="opendata_offers"),
]
