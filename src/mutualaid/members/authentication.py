"""Who is asking: Django's session authentication, with the user read by a written-out query.

Django's `AuthenticationMiddleware` reads the logged-in user through the ORM on every page (about 0.3 ms
of CPU for a lookup by primary key, bench/RESULTS-throughput.md). This middleware is Django's with one
change: for the model backends (whose `get_user` is ModelBackend's) the row comes from `core.rows`, then
the same checks run as in `django.contrib.auth.get_user`: the backend must still be configured, the
account active (`user_can_authenticate`), and the session's hash must match the user's (so a password
change ends every other session), else the session is flushed. Nothing is cached: a user deleted or
deactivated by any app server is refused by every other at the next request.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.conf import settings
from django.contrib import auth
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.middleware import AuthenticationMiddleware, auser
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject

from mutualaid.core import rows


def _user_by_id(backend: Any, user_id: Any) -> Any:
    if type(backend).get_user is not ModelBackend.get_user:
        return backend.get_user(user_id)
    model = auth.get_user_model()
    pk_field = model._meta.pk
    assert pk_field is not None
    try:
        pk = pk_field.to_python(user_id)
    except Exception:
        return None
    user = rows.first(model, {str(pk_field.column): pk})
    return user if user is not None and backend.user_can_authenticate(user) else None


def get_user(request: HttpRequest) -> Any:
    """`django.contrib.auth.get_user` (Django 5.2), the user read by `_user_by_id`."""
    session = request.session
    user = None
    try:
        user_id = auth._get_user_session_key(request)  # type: ignore[attr-defined]
        backend_path = session[auth.BACKEND_SESSION_KEY]
    except KeyError:
        pass
    else:
        if backend_path in settings.AUTHENTICATION_BACKENDS:
            backend = auth.load_backend(backend_path)
            user = _user_by_id(backend, user_id)
            if hasattr(user, "get_session_auth_hash"):
                session_hash = session.get(auth.HASH_SESSION_KEY)
                verified = bool(session_hash) and constant_time_compare(
                    str(session_hash), user.get_session_auth_hash()
                )
                if not verified:
                    if session_hash and any(
                        constant_time_compare(session_hash, fallback)
                        for fallback in user.get_session_auth_fallback_hash()
                    ):
                        session.cycle_key()
                        session[auth.HASH_SESSION_KEY] = user.get_session_auth_hash()
                    else:
                        session.flush()
                        user = None
    return user or AnonymousUser()


def _cached_user(request: HttpRequest) -> Any:
    if not hasattr(request, "_cached_user"):
        request._cached_user = get_user(request)  # type: ignore[attr-defined]
    return request._cached_user  # type: ignore[attr-defined]


class MemberAuthenticationMiddleware(AuthenticationMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)  # its checks; then the user is read as above
        request.user = SimpleLazyObject(lambda: _cached_user(request))  # type: ignore[assignment]
        request.auser = partial(auser, request)
