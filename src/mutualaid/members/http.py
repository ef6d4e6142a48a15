"""Typed requests and the API's token authentication. Typed requests: on a route that requires login (views under `login_required`, API operations behind
the token or session auth), `request.user` is a `User`, never an `AnonymousUser`."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import translation
from ninja.security import HttpBearer

from mutualaid.core.speaking import site_language
from mutualaid.members.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """An HttpRequest whose user is known to be logged in (annotation only; Django builds the object)."""

    user: User


class TokenAuth(HttpBearer):
    """A personal access token (`Authorization: Bearer mat_…`): the API's authentication, and the optional
    one of operations anyone may call (e.g. public fund pages)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from mutualaid.members.services import access_token_authenticate

        user = access_token_authenticate(token)
        if user is not None:
            request.user = user
            # The API answers (and its error messages) speak the language the request asks for in
            # Accept-Language; a request that asks for none reads the member's own language.
            language = requested_language(request) or site_language(getattr(user, "language", None))
            if language and translation.check_for_language(language):
                translation.activate(language)
                request.LANGUAGE_CODE = translation.get_language()
        return user


def requested_language(request: HttpRequest) -> str | None:
    """The site language named in the request's Accept-Language header, or None when it names none."""
    from django.utils.translation.trans_real import get_supported_language_variant, parse_accept_lang_header

    for code, _quality in parse_accept_lang_header(request.META.get("HTTP_ACCEPT_LANGUAGE", "")):
        if code == "*":
            continue
        try:
            return get_supported_language_variant(code)
        except LookupError:
            continue
    return None


def token_holder_language(request: HttpRequest) -> str | None:
    """For an API address that does not exist (core.errors): the language of a valid token's holder, when
    the request names no site language in Accept-Language. Read only: the token's last use is not
    touched by an address that answers nothing."""
    scheme, _space, raw = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or requested_language(request):
        return None
    from mutualaid.members.services import access_token_authenticate

    user = access_token_authenticate(raw.strip(), touch=False)
    return site_language(getattr(user, "language", None)) if user is not None else None
