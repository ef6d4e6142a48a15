"""Typed requests: on a route that requires login (views under `login_required`, API operations behind
the token or session auth), `request.user` is a `User`, never an `AnonymousUser`."""

from __future__ import annotations

from django.http import HttpRequest

from mutualaid.members.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """An HttpRequest whose user is known to be logged in (annotation only; Django builds the object)."""

    user: User
