"""Matching URLs, mounted under /g/<slug>/matching/."""

from django.urls import path

from mutualaid.matching import views

urlpatterns = [
    path("", views.rounds, name="matching_rounds"),
    path("decide/", views.decide, name="matching_decide"),
    path("settings/", views.settings_update, name="matching_settings"),
    path("mine/", views.mine, name="matching_mine"),
    path("proposals/<int:proposal_id>/respond/", views.respond, name="matching_respond"),
]
