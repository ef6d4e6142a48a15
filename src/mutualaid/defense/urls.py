from django.urls import path

from mutualaid.defense import views

urlpatterns = [
    path("", views.home, name="defense_home"),
    path("report/", views.report_new, name="defense_report_new"),
    path("hotline/", views.hotline, name="defense_hotline"),
    path("respond/", views.respond, name="defense_respond"),
    path("sent/<int:report_id>/", views.alert_page, name="defense_alert"),
    path("verify/", views.queue, name="defense_queue"),
    path("verify/<int:report_id>/", views.report_page, name="defense_report"),
    path("verify/<int:report_id>/claim/", views.report_claim, name="defense_claim"),
    path("verify/<int:report_id>/confirm/", views.report_confirm, name="defense_confirm"),
    path("verify/<int:report_id>/unfounded/", views.report_unfounded, name="defense_unfounded"),
    path("verify/<int:report_id>/correct/", views.report_correct, name="defense_correct"),
    path("verify/<int:report_id>/clear/", views.report_clear, name="defense_clear"),
    path("verifiers/", views.verifiers, name="defense_verifiers"),
    path("verifiers/<int:verifier_id>/revoke/", views.verifier_revoke, name="defense_verifier_revoke"),
    path("settings/", views.settings_page, name="defense_settings"),
]
