from allauth.account import views as account_views
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, include, path

from mutualaid.config.api import api
from mutualaid.groups import audit as group_audit
from mutualaid.groups import views as group_views
from mutualaid.members import views as member_views


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


group_patterns: list[URLPattern | URLResolver] = [
    path("", group_views.group_page, name="group"),
    path("join/", group_views.join_request, name="join_request"),
    path("leave/", group_views.leave, name="leave"),
    path("edit/", group_views.group_edit, name="group_edit"),
    path("areas/", group_views.area_add, name="area_add"),
    path("areas/<int:area_id>/remove/", group_views.area_remove, name="area_remove"),
    path("members/", group_views.members, name="members"),
    path("members/<int:membership_id>/role/", group_views.member_role, name="member_role"),
    path("members/<int:membership_id>/remove/", group_views.member_remove, name="member_remove"),
    path("members/<int:membership_id>/reviewed/", group_views.member_reviewed, name="member_reviewed"),
    path("requests/<int:request_id>/decide/", group_views.join_request_decide, name="join_request_decide"),
    path("invitations/", group_views.invitations, name="invitations"),
    path("invitations/<int:invitation_id>/revoke/", group_views.invitation_revoke, name="invitation_revoke"),
    path("board/", include("mutualaid.exchange.urls")),
    path("audit/", group_audit.audit_log, name="audit_log"),
]

# Only the parts of allauth mutualaid uses: no open sign-up, no e-mail addresses, no reset by e-mail
# (accounts are pseudonymous; a coordinator re-invites someone who lost their password).
account_patterns = [
    path("login/", account_views.login, name="account_login"),
    path("logout/", account_views.logout, name="account_logout"),
    path("inactive/", account_views.account_inactive, name="account_inactive"),
    path("reauthenticate/", account_views.reauthenticate, name="account_reauthenticate"),
    path("password/change/", account_views.password_change, name="account_change_password"),
    path("password/set/", account_views.password_set, name="account_set_password"),
    path("2fa/", include("allauth.mfa.urls")),
]

urlpatterns = [
    path("", group_views.home, name="home"),
    path("setup/", group_views.setup, name="setup"),
    path("directory/", group_views.directory, name="directory"),
    path("groups/new/", group_views.group_new, name="group_new"),
    path("g/<slug:slug>/", include(group_patterns)),
    path("g/<slug:slug>/funds/", include("mutualaid.funds.urls")),
    path("g/<slug:slug>/matching/", include("mutualaid.matching.urls")),
    path("invite/<str:token>/", member_views.invitation, name="invitation"),
    path("me/", member_views.profile, name="profile"),
    path("me/tokens/", member_views.tokens, name="tokens"),
    path("me/tokens/<int:token_id>/revoke/", member_views.token_revoke, name="token_revoke"),
    path("me/delete/", member_views.delete_account, name="delete_account"),
    path("accounts/", include(account_patterns)),
    path("", include("mutualaid.channels.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]
