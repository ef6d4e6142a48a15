"""The Django admin behind the same door as everything else (THREATS.md properties 10 and 11).

- Its own login form is gone: `/admin/login/` sends people to the site's login, which counts failed
  attempts per account (lockout) and asks for the second factor.
- Staff reach the admin only with a second factor set up (so their login asked for it).
- Its change log (`django_admin_log.object_repr`) names rows by kind and id, never by their text: the
  text of a post or a name would otherwise sit there in the clear, outside every sealed column.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

from allauth.mfa.utils import is_mfa_enabled
from django.apps import apps
from django.contrib import admin
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


def harden() -> None:
    admin.site.login = _login  # type: ignore[method-assign]
    admin.site.has_permission = _has_permission  # type: ignore[method-assign]
    # Looked up by name: importing django.contrib.admin.models where mypy sees it makes django-stubs
    # look for a `logentry_set` manager on our user model that Django only adds at run time.
    LogEntry: Any = apps.get_model("admin", "LogEntry")
    # On the manager instance, not its class: django-stubs inspects manager classes at check time.
    if not getattr(LogEntry.objects.log_actions, "ids_only", False):
        LogEntry.objects.log_actions = _log_actions_by_id(LogEntry.objects.log_actions)
