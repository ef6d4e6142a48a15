"""THREATS.md property 22: bad input never corrupts or half-writes. HTML and script in every text field of
every form and API operation (generic over the access matrix) are stored as text and escaped on output;
oversize values are refused with a clear error, and nothing of them is stored.

Output is proven on every route as every role by the access-matrix walk (tests/test_access_matrix.py,
checks in tests/markup.py), whose world holds markup in every free-text column; this file submits the
markup and the oversize values field by field, with one world built for both walks over the writes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps
from django.db import models, transaction
from django.test import Client, override_settings
from django.urls import reverse

from mutualaid.core.classification import is_project_model
from tests.access import World
from tests.markup import PAYLOAD, assert_escaped
from tests.test_access_matrix import ROUTES, build_world

HUGE = "x22" * 40_000  # 120,000 characters
WRITES = [route for route in ROUTES if route.method != "GET"]


def _client(world: Any, role: str, api: bool) -> Client:
    if api:
        from tests.access import api_token

        return Client(headers={"Authorization": f"Bearer {api_token(world, role)}"})
    client = Client()
    client.force_login(world.users[role], backend="django.contrib.auth.backends.ModelBackend")
    return client


def _send(client: Any, route: Any, world: Any, data: dict[str, Any]) -> Any:
    url = reverse(route.name, kwargs=route.kwargs(world))
    if route.api:
        return client.generic(route.method, url, json.dumps(data), content_type="application/json")
    return client.post(url, data)


def _stored_texts() -> Iterator[str]:
    for model in apps.get_models():
        if not is_project_model(model):
            continue
        names = [
            f.name for f in model._meta.concrete_fields if isinstance(f, models.CharField | models.TextField)
        ]
        for row in model._default_manager.values_list(*names) if names else []:
            yield from (v for v in row if isinstance(v, str))


def _longest_stored_text() -> int:
    return max((len(text) for text in _stored_texts()), default=0)


@pytest.fixture(scope="class")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """The access-matrix world, built once for the two walks over the writes and rolled back after them (as
    the matrix's own); each test runs in its own savepoint inside it, so one's writes never reach the other."""
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        transaction.atomic(),
    ):
        built = build_world()
        from tests.access import api_token

        for role in ("ben", "ada"):
            api_token(built, role)
        yield built
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _generous_rates(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MUTUALAID_RATE_INVITATION_CREATE", "1000/h")
    monkeypatch.setenv("MUTUALAID_RATE_JOIN_REQUEST_CREATE", "1000/h")


def _text_fields(route: Any, world: Any) -> list[str]:
    return [key for key, value in route.data(world).items() if isinstance(value, str)]


class TestEveryWriteWithBadText:
    """Markup and oversize text in every text field of every form and API operation, field by field."""

    def test_script_in_every_text_field_is_stored_as_text_and_escaped(self, world: Any, db: Any) -> None:
        submitted = 0
        for route in WRITES:
            for key in _text_fields(route, world):
                for role in ("ben", "ada"):
                    response = _send(
                        _client(world, role, route.api), route, world, {**route.data(world), key: PAYLOAD}
                    )
                    where = f"{route.key}.{key} as {role}"
                    assert response.status_code < 500, where
                    # A form shown again with its errors shows what was typed, escaped.
                    assert_escaped(response, route, where)
                    submitted += 1
        assert submitted >= 10
        # Stored as it was typed (as text: not stripped, not escaped twice), for the pages to escape once.
        assert sum(PAYLOAD in text for text in _stored_texts()) >= 5

    def test_oversize_values_are_refused_and_nothing_is_stored(self, world: Any, db: Any) -> None:
        from mutualaid.members.models import Invitation, JoinRequest

        before = (Invitation.objects.count(), JoinRequest.objects.count())
        for route in WRITES:
            for key in _text_fields(route, world):
                response = _send(
                    _client(world, "ada", route.api), route, world, {**route.data(world), key: HUGE}
                )
                assert response.status_code < 500, f"{route.key}.{key}"
        assert _longest_stored_text() < 10_000
        assert (Invitation.objects.count(), JoinRequest.objects.count()) == before


def test_oversize_note_gets_a_clear_error(ada: Any, crown: Any, client_for: Any, api_for: Any) -> None:
    from mutualaid.members.models import Invitation

    url = reverse("invitations", kwargs={"slug": crown.slug})
    response = client_for(ada).post(url, {"days": "7", "note": "n" * 201})
    assert response.status_code == 200
    assert "Ensure this value has at most 200 characters (it has 201)." in response.content.decode()
    api = api_for(ada).post(
        f"/api/v1/groups/{crown.slug}/invitations",
        {"days": 3, "note": "n" * 201},
        content_type="application/json",
    )
    assert api.status_code == 422
    assert Invitation.objects.count() == 0


def test_wrong_encodings_and_malformed_json_are_clear_errors(ada: Any, crown: Any, api_for: Any) -> None:
    client = api_for(ada)
    url = f"/api/v1/groups/{crown.slug}/invitations"
    assert client.post(url, b'{"days": 3,', content_type="application/json").status_code in (400, 422)
    assert client.post(
        url, '{"note": "\xff\xfe"}'.encode("latin-1"), content_type="application/json"
    ).status_code in (400, 422)
    assert client.post(url, '{"days": "many"}', content_type="application/json").status_code == 422
    from mutualaid.members.models import Invitation

    assert Invitation.objects.count() == 0


def test_nul_characters_are_refused_before_anything_is_stored(
    ada: Any, crown: Any, api_for: Any, client_for: Any
) -> None:
    """PostgreSQL cannot store NUL in text: refused up front, never a server error half-way through a write."""
    from mutualaid.members.models import Invitation

    api = api_for(ada)
    message = "The request contains a NUL character, which is not allowed in text."
    response = api.get("/api/v1/directory", {"q": "a\x00b"})
    assert (response.status_code, response.json()) == (
        400,
        {"detail": "bad request", "errors": {"__all__": [message]}},
    )
    response = api.post(
        f"/api/v1/groups/{crown.slug}/invitations",
        {"days": 3, "note": "a\x00b"},
        content_type="application/json",
    )
    assert response.status_code == 400
    response = api.put(
        "/api/v1/me", {"display_name": "A\x00", "language": "en"}, content_type="application/json"
    )
    assert response.status_code == 400
    # Forms refuse it field by field (multipart bodies are not scanned: they may carry files).
    page = client_for(ada).post(
        reverse("invitations", kwargs={"slug": crown.slug}), {"days": "7", "note": "a\x00"}
    )
    assert page.status_code == 200 and "Null characters are not allowed." in page.content.decode()
    assert client_for(ada).get(reverse("directory"), {"q": "x\x00"}).status_code == 400
    assert Invitation.objects.count() == 0
    assert api.get("/api/v1/directory", {"q": "Crown"}).status_code == 200  # the connection is still fine
