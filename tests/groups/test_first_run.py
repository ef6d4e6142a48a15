"""First run: an empty install shows a setup page guarded by a one-time code printed on the console."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from mutualaid.groups.services import setup_code_issue
from mutualaid.members.models import Membership, User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.fresh_install


def form(code: str, **extra: str) -> dict[str, str]:
    return {
        "code": code,
        "username": "rosa",
        "password": PASSWORD,
        "display_name": "Rosa",
        "language": "es",
        "name": "Flatbush Mutual Aid",
        "radius_km": "3",
        "listed": "on",
        **extra,
    }


def test_every_page_leads_to_setup_on_an_empty_install(client: Any) -> None:
    for path in ("/", "/directory/", "/accounts/login/", "/me/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"] == "/setup/", path


def test_setup_needs_the_printed_code(client: Any) -> None:
    setup_code_issue()
    response = client.post("/setup/", form("AAAA-BBBB-CCCC"))
    assert "That setup code is not right." in response.content.decode()
    assert not User.objects.exists()


def test_setup_creates_first_coordinator_and_group_then_closes(client: Any) -> None:
    code = setup_code_issue()
    response = client.post("/setup/", form(code.lower()))
    assert response.status_code == 302 and response["Location"] == "/g/flatbush-mutual-aid/"
    rosa = User.objects.get(username="rosa")
    assert rosa.is_staff and rosa.is_superuser and rosa.language == "es"
    assert Membership.objects.get(user=rosa).role == "coordinator"
    # The code worked once, and the setup page is gone for everyone after that.
    assert client.post("/setup/", form(code, username="mallory")).status_code == 302
    assert not User.objects.filter(username="mallory").exists()
    assert setup_code_issue() is None


def test_setup_errors_are_shown_next_to_fields_and_nothing_is_half_written(client: Any) -> None:
    code = setup_code_issue()
    response = client.post("/setup/", form(code, name="", password="short"))
    body = response.content.decode()
    assert response.status_code == 200 and "This field is required." in body
    assert not User.objects.exists()


@pytest.mark.usefixtures("one_rate_window")
def test_guessing_the_setup_code_is_limited_for_the_whole_install(client: Any, monkeypatch: Any) -> None:
    monkeypatch.setenv("MUTUALAID_RATE_SETUP_ATTEMPT", "3/h")
    code = setup_code_issue()
    for n in range(3):
        address = f"203.0.113.{n}"
        guess = Client(REMOTE_ADDR=address, HTTP_X_FORWARDED_FOR=address).post(
            "/setup/", form(f"AAAA-BBBB-000{n}")
        )
        assert "That setup code is not right." in guess.content.decode()
    response = client.post("/setup/", form(code))
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert not User.objects.exists()


def test_restarts_and_other_app_servers_keep_the_one_pending_code(client: Any) -> None:
    """`mutualaid serve` on every app server, and after every restart, keeps the code already issued."""
    from mutualaid.core.models import SetupCode
    from mutualaid.groups.services import setup_code_ensure

    code, pending = setup_code_ensure()
    assert code and pending is None
    for _restart in range(3):
        again, pending = setup_code_ensure()
        assert again is None and pending is not None
    assert SetupCode.objects.filter(used_at__isnull=True).count() == 1
    response = client.post("/setup/", form(code))
    assert response.status_code == 302
    assert setup_code_ensure() == (None, None)


def test_the_setup_code_expires_after_a_day(client: Any) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from mutualaid.core.models import SetupCode
    from mutualaid.groups.services import setup_code_ensure

    old = setup_code_issue()
    SetupCode.objects.update(created_at=timezone.now() - timedelta(hours=25))
    assert "That setup code is not right." in client.post("/setup/", form(old)).content.decode()
    fresh, pending = setup_code_ensure()  # the next start issues a new one
    assert fresh and fresh != old and pending is None
    assert client.post("/setup/", form(fresh)).status_code == 302


def test_setup_code_command_replaces_the_code_and_prints_the_public_address(monkeypatch: Any) -> None:
    import io

    import pytest
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from mutualaid.config.management.commands.setup_code import setup_banner

    monkeypatch.setenv("MUTUALAID_PUBLIC_URL", "https://aid.example.org:8443/")
    first = setup_banner("127.0.0.1:8000")
    assert first and "https://aid.example.org:8443/setup/" in first and "127.0.0.1" not in first
    out = io.StringIO()
    call_command("setup_code", stdout=out)
    printed = out.getvalue()
    assert "Open https://aid.example.org:8443/setup/" in printed
    new = printed.split("\n\n")[1].strip()
    old = first.split("\n\n")[1].strip()
    client = Client()
    assert "That setup code is not right." in client.post("/setup/", form(old)).content.decode()
    assert client.post("/setup/", form(new)).status_code == 302
    with pytest.raises(CommandError, match="set up already"):
        call_command("setup_code", stdout=io.StringIO())
    monkeypatch.delenv("MUTUALAID_PUBLIC_URL")
    assert setup_banner("127.0.0.1:8000") is None
