"""One group's own pages, mounted under /g/<slug>/."""

from django.urls import URLPattern, path

from mutualaid.groups import audit, views

urlpatterns: list[URLPattern] = [
    path("", views.group_page, name="group"),
    path("join/", views.join_request, name="join_request"),
    path("leave/", views.leave, name="leave"),
    path("edit/", views.group_edit, name="group_edit"),
    path("areas/", views.area_add, name="area_add"),
    path("areas/<int:area_id>/remove/", views.area_remove, name="area_remove"),
    path("members/", views.members, name="members"),
    path("members/<int:membership_id>/role/", views.member_role, name="member_role"),
    path("members/<int:membership_id>/remove/", views.member_remove, name="member_remove"),
    path("members/<int:membership_id>/reviewed/", views.member_reviewed, name="member_reviewed"),
    path("requests/<int:request_id>/decide/", views.join_request_decide, name="join_request_decide"),
    path("invitations/", views.invitations, name="invitations"),
    path("invitations/<int:invitation_id>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("audit/", audit.audit_log, name="audit_log"),
]
