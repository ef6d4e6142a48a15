"""THREATS.md property 5: no IP address or user agent in any log or table. Canary addresses and a canary
user agent go with every request to every route (pages, API, errors); neither the logs nor what is written
to the database show them.

Every route as every role is walked once, by the access-matrix walk (tests/test_access_matrix.py), which
checks each response with tests/client_address.py; this file covers what that walk does not request: a
real login through the form (allauth's login-failure bookkeeping), error pages, and what views see.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.access import ROLES
from tests.client_address import (
    CANARY_HEADERS,
    NEEDLES,
    assert_no_client_address,
    every_log,
    log_text,
    statements_sent,
)


@pytest.fixture
def all_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    with every_log(caplog):
        yield caplog


def test_the_access_matrix_walk_sends_the_canaries_and_checks_every_response() -> None:
    """The walk that proves this property on every route as every role really sends the canaries."""
    import tests.test_access_matrix as walk
    from tests.access import World

    world = World(users=dict.fromkeys(ROLES), crown=None, bush=None)
    client = walk._client(world, "anonymous", api=False)
    assert {key: client.defaults.get(key) for key in CANARY_HEADERS} == CANARY_HEADERS
    world.objects["api_token_ben"] = "t"
    api = walk._client(world, "ben", api=True)
    assert {key: api.defaults.get(key) for key in CANARY_HEADERS} == CANARY_HEADERS


def test_failed_logins_through_the_form_log_and_store_no_client_address(
    db: Any, all_logs: pytest.LogCaptureFixture, django_capture_on_commit_callbacks: Any
) -> None:
    from tests.conftest import make_user

    for role in ROLES[1:]:
        make_user(role)
    with statements_sent() as sent, django_capture_on_commit_callbacks(execute=True):
        for role in ROLES:
            response = Client(**CANARY_HEADERS).post(
                reverse("account_login"), {"login": role, "password": "wrong-password-1"}
            )
            assert response.status_code == 200  # the form again, with its error
    assert sent  # the login form did reach the database (its failure bookkeeping, the session)
    assert_no_client_address(all_logs, sent, 200, "failed logins")


def test_error_pages_and_their_logs_show_no_client_address(
    db: Any, all_logs: pytest.LogCaptureFixture, settings: Any
) -> None:
    settings.ROOT_URLCONF = "tests.core.boom_urls"
    client = Client(raise_request_exception=False, **CANARY_HEADERS)
    response = client.get("/boom/?who=me")
    assert response.status_code == 500
    logs = log_text(all_logs)
    assert "Internal Server Error: /boom/" in logs
    assert "something broke" in logs
    assert [n for n in NEEDLES if n in logs] == []
    assert [n for n in NEEDLES if n in response.content.decode()] == []


def test_views_never_see_the_client_address(db: Any, settings: Any) -> None:
    seen: dict[str, Any] = {}

    def spy(request: Any) -> Any:
        from django.http import HttpResponse

        seen.update(request.META)
        return HttpResponse("ok")

    import tests.core.boom_urls as boom_urls

    original = boom_urls.boom
    boom_urls.urlpatterns[0].callback = spy
    try:
        settings.ROOT_URLCONF = "tests.core.boom_urls"
        Client(**CANARY_HEADERS).get("/boom/")
    finally:
        boom_urls.urlpatterns[0].callback = original
    assert seen["REMOTE_ADDR"] == "0.0.0.0"  # noqa: S104 - the placeholder the middleware sets
    assert not [key for key, value in seen.items() if any(n in str(value) for n in NEEDLES)]
