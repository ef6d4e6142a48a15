"""The board's search sent without JavaScript carries every field (`?q=rice&category=&…`): the board
answers with a redirect to the same search without the empty ones, so the address is short and shareable."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlsplit

from django.test import Client

from tests.helpers import make_post


def _member(user: Any) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_empty_fields_are_dropped_by_a_redirect_keeping_the_rest(ben: Any, crown: Any) -> None:
    make_post(crown, ben, title="Rice and beans")
    client = _member(ben)
    sent = "/g/crown/board/?q=rice&kind=&category=&urgency=&status=&language=&area=+&page=2"
    response = client.get(sent)
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert target.path == "/g/crown/board/"
    assert parse_qsl(target.query, keep_blank_values=True) == [("q", "rice"), ("page", "2")]
    # The clean address answers at once; everything empty is the bare board.
    assert client.get(response["Location"]).status_code == 200
    bare = client.get("/g/crown/board/?q=&kind=")
    assert bare.status_code == 302 and bare["Location"] == "/g/crown/board/"
    mine = client.get("/g/crown/board/mine/?q=&kind=need")
    assert mine.status_code == 302 and mine["Location"] == "/g/crown/board/mine/?kind=need"


def test_a_clean_search_and_the_in_place_search_are_answered_as_they_are(ben: Any, crown: Any) -> None:
    make_post(crown, ben, title="Rice and beans")
    client = _member(ben)
    clean = client.get("/g/crown/board/?q=rice")
    assert clean.status_code == 200 and b"Rice and beans" in clean.content
    partial = client.get("/g/crown/board/?q=rice&kind=", headers={"HX-Request": "true"})
    assert partial.status_code == 200 and b"Rice and beans" in partial.content
    # A stranger is still refused before anything is redirected.
    assert Client().get("/g/crown/board/?q=&kind=").status_code == 302
    assert "login" in Client().get("/g/crown/board/?q=&kind=")["Location"]
