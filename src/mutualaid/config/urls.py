"""Root URLs: each app's pages come from the registry (core.registry); only the wiring is named here."""

from allauth.account import views as account_views
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, include, path

from mutualaid.config.api import api
from mutualaid.core.registry import group_url_modules, site_url_modules


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


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

handler404 = "mutualaid.core.errors.page_not_found"  # JSON under /api/
handler500 = "mutualaid.core.errors.server_error"

urlpatterns: list[URLPattern | URLResolver] = [
    *(path(f"g/<slug:slug>/{prefix}", include(module)) for prefix, module in group_url_modules()),
    *(path("", include(module)) for module in site_url_modules()),
    path("accounts/", include(account_patterns)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]
