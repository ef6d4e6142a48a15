"""Where the CSRF secret lives (core.csrf): in a cookie for visitors without a session, so reading a page
writes nothing; in the session once there is one, and a logged-in session never takes the cookie's."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD


def _token(page: bytes) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.decode())
    assert found is not None
    return found.group(1)


def test_anonymous_pages_with_forms_write_no_session(crown: Any, ben: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    for url in (reverse("directory"), reverse("account_login"), reverse("home")):
        response = client.get(url)
        assert response.status_code == 200
        assert "csrfmiddlewaretoken" in response.content.decode()
    assert Session.objects.count() == 0
    assert "sessionid" not in client.cookies
    cookie = client.cookies["csrftoken"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


def test_anonymous_login_checks_the_cookie_token_and_moves_the_secret_to_the_session(ben: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    login = reverse("account_login")
    token = _token(client.get(login).content)
    data = {"login": "ben", "password": PASSWORD}
    assert client.post(login, data).status_code == 403  # no token
    assert client.post(login, {**data, "csrfmiddlewaretoken": "x" * 64}).status_code == 403
    assert Session.objects.count() == 0
    response = client.post(login, {**data, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert Session.objects.count() == 1
    # Logged in: the old cookie's secret is no longer accepted, the session's is.
    old_secret = client.cookies["csrftoken"].value
    profile = reverse("profile")
    fields = {"display_name": "Ben", "language": "en", "email": "", "phone": ""}
    assert client.post(profile, {**fields, "csrfmiddlewaretoken": old_secret}).status_code == 403
    fresh = _token(client.get(profile).content)
    assert client.post(profile, {**fields, "csrfmiddlewaretoken": fresh}).status_code in (200, 302)


def test_a_logged_in_session_refuses_a_planted_cookie_secret(
    ben: Any, client_for: Callable[..., Client]
) -> None:
    """A cookie set by someone else (a sibling site, a page over plain HTTP) cannot stand in for the
    session's secret, even with a token made from it."""
    client = client_for(ben, csrf=True)  # logged in, and the session holds no secret yet
    planted = "a" * 32
    client.cookies["csrftoken"] = planted
    fields = {"display_name": "Ben", "language": "en", "email": "", "phone": ""}
    assert client.post(reverse("profile"), {**fields, "csrfmiddlewaretoken": planted}).status_code == 403
