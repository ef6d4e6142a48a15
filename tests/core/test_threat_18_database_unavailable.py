"""THREATS.md property 18: a request that loses the database (PostgreSQL restarting) fails cleanly.

It answers 503 with Retry-After ("nothing was saved, try again"), as a page or as JSON under /api/,
instead of a 500; a real bug still answers 500. The whole topology under restart is `bench/cluster.py`.
"""

from __future__ import annotations

from typing import Any

from django.test import Client


def test_a_lost_database_answers_503_try_again(db: Any, settings: Any) -> None:
    settings.ROOT_URLCONF = "tests.core.unavailable_urls"
    client = Client(raise_request_exception=False)

    page = client.get("/lost/")
    assert page.status_code == 503
    assert page.headers["Retry-After"] == "5"
    assert b"Nothing you sent was saved" in page.content

    api = client.get("/api/lost/")
    assert api.status_code == 503
    assert api.json() == {"detail": "temporarily unavailable, try again"}


def test_a_bug_is_still_a_server_error(db: Any, settings: Any) -> None:
    settings.ROOT_URLCONF = "tests.core.unavailable_urls"
    response = Client(raise_request_exception=False).get("/broken/")
    assert response.status_code == 500
    assert "Retry-After" not in response.headers
