"""What a federation endpoint answers when it finds nothing: JSON of its own type with 404, never the site's
HTML page (another server parses the answer); with federation off, the site's own 404."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from mutualaid.federation import conf, documents

pytestmark = pytest.mark.django_db


def _json_404(answer: Any, content_type: str) -> None:
    assert answer.status_code == 404
    assert answer["Content-Type"] == content_type
    assert answer.json() == {"error": "not found"}
    assert b"<html" not in answer.content.lower()


def test_unknown_groups_and_resources_answer_json(crown: Any) -> None:
    client = Client()
    jrd, activity = "application/jrd+json", "application/activity+json"
    _json_404(client.get("/.well-known/webfinger", {"resource": f"acct:nobody@{conf.host()}"}), jrd)
    _json_404(client.get("/.well-known/webfinger", {"resource": "acct:crown@elsewhere.example"}), jrd)
    _json_404(client.get("/.well-known/webfinger", {"resource": documents.actor_id("nobody")}), jrd)
    for path in ("/ap/groups/nobody", "/ap/groups/nobody/outbox", "/ap/groups/nobody/followers"):
        _json_404(client.get(path, headers={"Accept": activity}), activity)
    _json_404(client.get("/ap/groups/crown/objects/999999"), activity)
    _json_404(client.post("/ap/groups/nobody/inbox", b"{}", content_type=activity), activity)
    # What is there still answers as before.
    assert client.get("/.well-known/webfinger", {"resource": f"acct:crown@{conf.host()}"}).status_code == 200


def test_with_federation_off_the_endpoints_are_not_there(crown: Any, monkeypatch: Any) -> None:
    monkeypatch.setenv("MUTUALAID_FEDERATION", "0")
    answer = Client().get("/.well-known/webfinger", {"resource": f"acct:crown@{conf.host()}"})
    assert answer.status_code == 404 and "json" not in answer["Content-Type"]
