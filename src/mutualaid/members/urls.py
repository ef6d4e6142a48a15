"""A member's own pages: accepting an invitation, the profile, tokens, deleting the account."""

from django.urls import path

from mutualaid.members import views

urlpatterns = [
    path("invite/", views.invitation_open, name="invitation_open"),
    path("invite/<str:token>/", views.invitation, name="invitation"),
    path("me/", views.profile, name="profile"),
    path("me/tokens/", views.tokens, name="tokens"),
    path("me/tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("me/export/", views.data_export, name="data_export"),
    path("me/delete/", views.delete_account, name="delete_account"),
]
