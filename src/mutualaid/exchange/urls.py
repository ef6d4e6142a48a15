"""Board URLs, mounted under /g/<slug>/board/."""

from django.urls import path

from mutualaid.exchange import views, views_import_export

urlpatterns = [
    path("", views.board, name="exchange_board"),
    path("mine/", views.mine, name="exchange_mine"),
    path("new/", views.post_new, name="exchange_post_new"),
    path("triage/", views.triage, name="exchange_triage"),
    path("import/", views_import_export.import_upload, name="exchange_import"),
    path("import/<int:draft_id>/", views_import_export.import_preview, name="exchange_import_preview"),
    path("export/", views_import_export.export, name="exchange_export"),
    path("<int:post_id>/", views.post_detail, name="exchange_post"),
    path("<int:post_id>/edit/", views.post_edit, name="exchange_post_edit"),
    path("<int:post_id>/contact/", views.contact_edit, name="exchange_contact_edit"),
    path("<int:post_id>/claim/", views.claim, name="exchange_claim"),
    path("<int:post_id>/assign/", views.post_assign, name="exchange_assign"),
    path("<int:post_id>/act/", views.post_act, name="exchange_act"),
    path("<int:post_id>/claims/<int:claim_id>/decide/", views.claim_decide, name="exchange_claim_decide"),
    path("<int:post_id>/claims/<int:claim_id>/", views.conversation, name="exchange_conversation"),
    path(
        "<int:post_id>/claims/<int:claim_id>/invite/",
        views.conversation_invite,
        name="exchange_conversation_invite",
    ),
]
