"""THREATS.md property 5: no IP address or user agent in any log or table. Canary addresses and a canary
user agent go with every request to every route (pages, API, errors); neither the logs nor a dump of
the database show them."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.access import ROLES
from tests.core.dumps import database_bytes
from tests.test_access_matrix import ROUTES, build_world

IP = "198.51.100.231"
PEER = "198.51.100.232"
AGENT = "CanaryBrowser/9.1 (x-canary-ua-77)"
CANARY_HEADERS = {
    "HTTP_X_FORWARDED_FOR": f"{IP}, 203.0.113.5",
    "HTTP_X_REAL_IP": IP,
    "HTTP_FORWARDED": f"for={IP};proto=https",
    "HTTP_USER_AGENT": AGENT,
    "REMOTE_ADDR": PEER,
}
NEEDLES = [IP, PEER, "x-canary-ua-77", "CanaryBrowser"]
QUIET_LOGGERS = ["django.request", "django.security", "django.server"]


@pytest.fixture
def all_logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Every log record at every level, including loggers that do not propagate to the root."""
    caplog.set_level(logging.DEBUG)
    for name in QUIET_LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
        logging.getLogger(name).addHandler(caplog.handler)
    yield caplog
    for name in QUIET_LOGGERS:
        logging.getLogger(name).removeHandler(caplog.handler)


def _client(world: Any, role: str, api: bool) -> Client:
    if role == "anonymous":
        return Client(**CANARY_HEADERS)
    user = world.users[role]
    if api:
        from tests.access import api_token

        return Client(headers={"Authorization": f"Bearer {api_token(world, role)}"}, **CANARY_HEADERS)
    client = Client(**CANARY_HEADERS)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def _log_text(caplog: pytest.LogCaptureFixture) -> str:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    return "\n".join(handler.format(record) for record in caplog.records)


def test_no_client_address_or_agent_in_logs_or_database(
    transactional_db: Any, all_logs: pytest.LogCaptureFixture, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    monkeypatch.setenv("MUTUALAID_RATE_INVITATION_CREATE", "1000/h")
    world = build_world()
    requests = 0
    for role in ROLES:
        for route in ROUTES:
            client = _client(world, role, route.api)
            url = reverse(route.name, kwargs=route.kwargs(world))
            data = route.data(world)
            if route.method == "GET":
                client.get(url, data)
            elif route.api:
                client.generic(route.method, url, json.dumps(data), content_type="application/json")
            else:
                client.post(url, data)
            requests += 1
        # A real login through the form, and a failed one (allauth's login-failure bookkeeping).
        Client(**CANARY_HEADERS).post(
            reverse("account_login"), {"login": role, "password": "wrong-password-1"}
        )
    assert requests > 100
    logs = _log_text(all_logs)
    assert "Not Found" in logs or "Forbidden" in logs  # the request logger did speak
    assert [n for n in NEEDLES if n in logs] == []
    dump = database_bytes(tmp_path)
    assert [n for n in NEEDLES if n.encode() in dump] == []


def test_error_pages_and_their_logs_show_no_client_address(
    db: Any, all_logs: pytest.LogCaptureFixture, settings: Any
) -> None:
    settings.ROOT_URLCONF = "tests.core.boom_urls"
    client = Client(raise_request_exception=False, **CANARY_HEADERS)
    response = client.get("/boom/?who=me")
    assert response.status_code == 500
    logs = _log_text(all_logs)
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
