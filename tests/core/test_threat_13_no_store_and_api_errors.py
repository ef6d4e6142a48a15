"""THREATS.md property 13, second round: pages and API answers for a logged-in member (which may show
decrypted personal data) are never stored by the browser; a server error under /api/ answers JSON."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse


def test_member_pages_and_api_answers_are_not_cached(
    ben: Any, crown: Any, client_for: Callable[..., Client], api_for: Callable[..., Client]
) -> None:
    for url in (reverse("profile"), reverse("tokens"), f"/g/{crown.slug}/board/"):
        answer = client_for(ben).get(url)
        assert answer.status_code == 200 and answer["Cache-Control"] == "no-store", url
    answer = api_for(ben).get("/api/v1/me")
    assert answer.status_code == 200 and answer["Cache-Control"] == "no-store"


def test_an_api_server_error_answers_json(ben: Any, api_for: Callable[..., Client], monkeypatch: Any) -> None:
    from mutualaid.members import api

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(api, "MeOut", broken)
    client = api_for(ben)
    client.raise_request_exception = False
    answer = client.get("/api/v1/me")
    assert answer.status_code == 500
    assert answer["Content-Type"] == "application/json" and answer.json() == {"detail": "Server error."}


@pytest.mark.parametrize("body", ["null", "[]", '"text"', "3"])
def test_json_bodies_that_are_not_objects_are_refused(
    ada: Any, crown: Any, api_for: Callable[..., Client], body: str
) -> None:
    from mutualaid.members.models import Invitation

    answer = api_for(ada).post(
        f"/api/v1/groups/{crown.slug}/invitations", data=body, content_type="application/json"
    )
    assert answer.status_code in (400, 422), answer.content
    assert not Invitation.objects.exists()
