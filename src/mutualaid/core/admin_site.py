"""The Django admin behind the same door as everything else (THREATS.md properties 10 and 11).

- Its own login form is gone: `/admin/login/` sends people to the site's login, which counts failed
  attempts per account (lockout) and asks for the second factor.
- Staff reach the admin only with a second factor set up (so their login asked for it).
- Its change log (`django_admin_log.object_repr`) names rows by kind and id, never by their text: the
  text of a post or a name would otherwise sit there in the clear, outside every sealed column.
- Sensitive edits (accounts and their staff flags, roles, invitations, API tokens, second-factor keys,
  and every deletion) need a password *and* a second-factor code typed within the last
  `ACCOUNT_REAUTHENTICATION_TIMEOUT` seconds (allauth's own re-authentication pages, 5 minutes by
  default): a session left open on an operator's laptop, or stolen, cannot hand out coordinator roles.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlencode

from allauth.account import app_settings as account_settings
from allauth.account.internal.flows.login import get_authentication_records
from allauth.mfa.utils import is_mfa_enabled
from django.apps import apps
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _


class _IdOnly:
    """An object seen through its kind and id only (`str()` is what the admin log copies)."""

    def __init__(self, obj: Any) -> None:
        self._obj = obj

    def __getattr__(self, name: str) -> Any:
        return getattr(self._obj, name)

    def __str__(self) -> str:
        return f"{self._obj._meta.model_name} {self._obj.pk}"


def _log_actions_by_id(original: Any) -> Any:
    def log_actions(
        user_id: int, queryset: Iterable[Any], action_flag: int, change_message: Any = "", **kwargs: Any
    ) -> Any:
        return original(user_id, [_IdOnly(obj) for obj in queryset], action_flag, change_message, **kwargs)

    log_actions.ids_only = True  # type: ignore[attr-defined]
    return log_actions


def _login(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
    if request.user.is_authenticated:
        return HttpResponseForbidden(
            _("The admin is open to staff accounts with a second factor only."), content_type="text/plain"
        )
    target = request.GET.get("next") or reverse("admin:index")
    return HttpResponseRedirect(f"{reverse('account_login')}?{urlencode({'next': target})}")


def _has_permission(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_active and user.is_staff and is_mfa_enabled(user))


# Models whose every admin write is sensitive (app_label_modelname); deletions of anything are too.
SENSITIVE_MODELS = frozenset(
    {
        "members_user",
        "members_membership",
        "members_invitation",
        "members_accesstoken",
        "members_joinrequest",
        "mfa_authenticator",
        "auth_group",
        "auth_permission",
        "sites_site",
    }
)


def is_sensitive(request: HttpRequest) -> bool:
    """Whether an admin request changes something a stolen session must not be able to change."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return False
    match = getattr(request, "resolver_match", None)
    name = (match.url_name or "") if match else ""
    model, _sep, action = name.rpartition("_")
    if action == "delete" or request.POST.get("action", "").startswith("delete"):
        return True
    return model in SENSITIVE_MODELS


def _recent_methods(request: HttpRequest) -> set[str]:
    """How the operator proved who they are within the re-authentication timeout ("password", "mfa")."""
    now = time.time()
    return {
        str(record.get("method"))
        for record in get_authentication_records(request, request.user)
        if now - float(record.get("at", 0)) < account_settings.REAUTHENTICATION_TIMEOUT
    }


def recently_confirmed(request: HttpRequest) -> bool:
    """A password and a second-factor code, both typed within the re-authentication timeout (at login
    or on allauth's re-authentication pages)."""
    return {"password", "mfa"} <= _recent_methods(request)


def _confirm_first(request: HttpRequest) -> HttpResponse:
    """Send the operator to type what is missing, then back to the admin page (to save again)."""
    step = "account_reauthenticate" if "password" not in _recent_methods(request) else "mfa_reauthenticate"
    messages.warning(
        request,
        _("This change needs your password and a code from your second factor again. Then save it again."),
    )
    return HttpResponseRedirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")


def _guarded(admin_view: Callable[..., Any]) -> Callable[..., Any]:
    """AdminSite.admin_view, with sensitive writes held back until the operator confirmed who they are."""

    @functools.wraps(admin_view)
    def wrap(view: Callable[..., HttpResponse], cacheable: bool = False) -> Callable[..., HttpResponse]:
        inner = admin_view(view, cacheable)

        @functools.wraps(inner)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if (
                request.user.is_authenticated
                and _has_permission(request)
                and is_sensitive(request)
                and not recently_confirmed(request)
            ):
                return _confirm_first(request)
            return inner(request, *args, **kwargs)  # type: ignore[no-any-return]

        return guarded

    wrap.guarded = True  # type: ignore[attr-defined]
    return wrap


def harden() -> None:
    if not getattr(admin.site.admin_view, "guarded", False):
        admin.site.admin_view = _guarded(admin.site.admin_view)  # type: ignore[method-assign]
    admin.site.login = _login  # type: ignore[method-assign]
    admin.site.has_permission = _has_permission  # type: ignore[method-assign]
    # Looked up by name: importing django.contrib.admin.models where mypy sees it makes django-stubs
    # look for a `logentry_set` manager on our user model that Django only adds at run time.
    LogEntry: Any = apps.get_model("admin", "LogEntry")
    # On the manager instance, not its class: django-stubs inspects manager classes at check time.
    if not getattr(LogEntry.objects.log_actions, "ids_only", False):
        LogEntry.objects.log_actions = _log_actions_by_id(LogEntry.objects.log_actions)
