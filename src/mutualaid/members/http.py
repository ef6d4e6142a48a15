"""Typed requests and the API's token authentication. Typed requests: on a route that requires login (views under `login_required`, API operations behind
the token or session auth), `request.user` is a `User`, never an `AnonymousUser`."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

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
        return user
