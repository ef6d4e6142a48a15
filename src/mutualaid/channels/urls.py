from django.urls import path

from mutualaid.channels import views

urlpatterns = [
    path("channels/sms/<str:kind>/<slug:slug>/", views.sms_webhook, name="channels_sms_webhook"),
    path("channels/preferences/", views.preferences, name="channels_preferences"),
    path("me/notices/", views.notices_page, name="channels_notices"),
    path("me/notices/read/", views.notices_read, name="channels_notices_read"),
    path("channels/unsubscribe/<str:token>/", views.unsubscribe, name="channels_unsubscribe"),
    path("channels/checkin/<str:token>/", views.checkin, name="channels_checkin"),
    path("channels/<slug:slug>/gateways/", views.gateways_page, name="channels_gateways"),
    path("channels/<slug:slug>/intake/", views.intake, name="channels_intake"),
    path(
        "channels/<slug:slug>/intake/<int:request_id>/reply/",
        views.intake_reply,
        name="channels_intake_reply",
    ),
    path(
        "channels/<slug:slug>/intake/<int:request_id>/number/",
        views.intake_number,
        name="channels_intake_number",
    ),
    path(
        "channels/<slug:slug>/intake/<int:request_id>/close/",
        views.intake_close,
        name="channels_intake_close",
    ),
    path("g/<slug:slug>/broadcasts/", views.broadcasts, name="channels_broadcasts"),
]
