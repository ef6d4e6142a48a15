"""API authentication with personal access tokens: stored hashed, revocable."""

from __future__ import annotations

from typing import Any

from django.test import Client

from mutualaid.members.models import AccessToken
from mutualaid.members.services import access_token_create, access_token_revoke


def test_missing_token_is_401(ben: Any) -> None:
    assert Client().get("/api/v1/me").status_code == 401


def test_wrong_token_is_401(ben: Any) -> None:
    access_token_create(user=ben, name="real")
    response = Client(headers={"Authorization": "Bearer mat_not-the-right-token"}).get("/api/v1/me")
    assert response.status_code == 401


def test_revoked_token_is_401(ben: Any) -> None:
    record, token = access_token_create(user=ben, name="old")
    client = Client(headers={"Authorization": f"Bearer {token}"})
    assert client.get("/api/v1/me").status_code == 200
    access_token_revoke(token=record)
    assert client.get("/api/v1/me").status_code == 401


def test_token_of_deactivated_account_is_401(ben: Any) -> None:
    _record, token = access_token_create(user=ben, name="t")
    ben.is_active = False
    ben.save()
    assert Client(headers={"Authorization": f"Bearer {token}"}).get("/api/v1/me").status_code == 401


def test_token_is_stored_hashed_and_shown_once(ben: Any, client_for: Any) -> None:
    response = client_for(ben).post("/me/tokens/", {"name": "my script"})
    token = response.context["new_token"]
    assert token.startswith("mat_")
    record = AccessToken.objects.get(user=ben)
    assert token not in record.token_hash and record.prefix == token[:8]
    assert token not in client_for(ben).get("/me/tokens/").content.decode()


def test_me_and_my_groups(ben: Any, api_for: Any) -> None:
    client = api_for(ben)
    assert client.get("/api/v1/me").json()["username"] == "ben"
    assert client.get("/api/v1/me/groups").json() == [
        {
            "group": "crown",
            "name": "Crown Heights Mutual Aid",
            "role": "member",
            "joined_on": str(ben.memberships.get().joined_on),
        }
    ]


def test_api_validation_errors_are_clear(ben: Any, api_for: Any) -> None:
    response = api_for(ben).put(
        "/api/v1/me", {"display_name": "", "language": "xx"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["errors"]["display_name"] == ["Choose a display name; a nickname is fine."]


def test_coordinator_api_needs_second_factor(ben: Any, crown: Any, api_for: Any) -> None:
    ben.memberships.update(role="coordinator")
    response = api_for(ben).get("/api/v1/groups/crown/members")
    assert response.status_code == 403 and response.json()["detail"] == "second factor required"


def test_invitation_through_the_api(ben: Any, api_for: Any) -> None:
    response = api_for(ben).post(
        "/api/v1/groups/crown/invitations", {"days": 2}, content_type="application/json"
    )
    assert response.status_code == 201
    link = response.json()["link"]
    assert "/invite/" in link
    assert Client().get(link.replace("http://testserver", "")).status_code == 200
