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
