"""Where the CSRF secret lives: in the session for anyone who has one, in a cookie for visitors who do not.

`CSRF_USE_SESSIONS` binds a member's token to their login session (THREATS.md property 12: a token or
cookie taken from another member is refused). Applied to everyone, it also gave every anonymous page that
shows a form (the footer's language switch is on every page) a new session row: a database write on each
read of the directory, the login page or a group's public page, and a table that grows with every
crawler's visit. A visitor without a session now keeps the secret in a cookie (Django's standard
double-submit, HttpOnly, SameSite=Lax, Secure behind TLS); once there is a session, logged in or in the
middle of logging in, the secret is in it again, and a logged-in session never accepts the cookie.

Installed on Django's CsrfViewMiddleware itself (``install``, from CoreConfig.ready), so the middleware,
``csrf_protect`` on upload views and django-ninja's session-auth check all follow the same rule.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.http import HttpRequest, HttpResponseBase
from django.middleware import csrf
from django.utils.cache import patch_vary_headers

# Private parts of Django's CSRF module (not in its type stubs); tests/core/test_csrf_storage.py fails if
# a Django upgrade moves them.
_django: Any = csrf
_middleware: Any = csrf.CsrfViewMiddleware
_session_get_secret = _middleware._get_secret
_session_set_secret = _middleware._set_csrf_cookie


def _in_session(request: HttpRequest) -> bool:
    """The secret belongs in the session: there is one (its cookie came in, or this request made one)."""
    session = request.session
    return session.session_key is not None or session.modified or SESSION_KEY in session


def _get_secret(self: csrf.CsrfViewMiddleware, request: HttpRequest) -> str | None:
    secret: str | None = _session_get_secret(self, request)  # no query without a session cookie
    if secret is not None or SESSION_KEY in request.session:
        return secret  # a logged-in session: its own secret or none, never the cookie's
    try:
        secret = request.COOKIES[settings.CSRF_COOKIE_NAME]
    except KeyError:
        return None
    _django._check_token_format(secret)  # raises InvalidTokenFormat, as Django's cookie mode does
    if len(secret) == csrf.CSRF_TOKEN_LENGTH:
        secret = _django._unmask_cipher_token(secret)
    return secret


def _set_secret(self: csrf.CsrfViewMiddleware, request: HttpRequest, response: HttpResponseBase) -> None:
    if _in_session(request):
        _session_set_secret(self, request, response)
        return
    response.set_cookie(
        settings.CSRF_COOKIE_NAME,
        request.META["CSRF_COOKIE"],
        max_age=settings.CSRF_COOKIE_AGE,
        domain=settings.CSRF_COOKIE_DOMAIN,
        path=settings.CSRF_COOKIE_PATH,
        secure=settings.CSRF_COOKIE_SECURE,
        httponly=settings.CSRF_COOKIE_HTTPONLY,
        samesite=settings.CSRF_COOKIE_SAMESITE,
    )
    patch_vary_headers(response, ("Cookie",))


def install() -> None:
    _middleware._get_secret = _get_secret
    _middleware._set_csrf_cookie = _set_secret
