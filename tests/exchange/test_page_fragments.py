"""Per-process fragment memos on the board (filter form, cards) and the directory give the same HTML as
rendering afresh, and a changed post, language or query shows at once; /healthz answers before the rest."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client
from django.urls import reverse

from mutualaid.core.templatetags import mutualaid as core_tags
from mutualaid.exchange.models import Post
from mutualaid.exchange.templatetags import exchange as exchange_tags
from tests.exchange.conftest import make_post
from tests.helpers import assert_query_count


def _page(response: Any) -> str:
    """The page without its CSRF token, which is masked afresh on every response."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


def _clear() -> None:
    core_tags._FORM_HTML.clear()
    exchange_tags._CARDS.clear()


def test_board_html_is_the_same_from_the_memo(client_for: Any, ben: Any, fay: Any, crown: Any) -> None:
    make_post(crown, fay, title="Rice and beans", languages=["es"], area="Wingate")
    client = client_for(ben)
    url = reverse("exchange_board", args=[crown.slug])
    for query in ({}, {"q": "rice", "category": "food"}, {"kind": "bogus"}):
        _clear()
        fresh = _page(client.get(url, query))
        assert core_tags._FORM_HTML and exchange_tags._CARDS
        assert _page(client.get(url, query)) == fresh
    # An invalid choice renders its error, and the memo keeps it apart from the valid query.
    assert b"errorlist" in client.get(url, {"kind": "bogus"}).content
    assert b"errorlist" not in client.get(url, {"kind": "need"}).content


def test_a_changed_post_shows_at_once(client_for: Any, ben: Any, fay: Any, crown: Any) -> None:
    post = make_post(crown, fay, title="Winter coat")
    client = client_for(ben)
    url = reverse("exchange_board", args=[crown.slug])
    assert b"Winter coat" in client.get(url).content
    Post.objects.filter(pk=post.pk).update(title="Warm blanket", urgency="today")
    page = client.get(url).content.decode()
    assert "Warm blanket" in page and "Winter coat" not in page


def test_language_is_part_of_the_key(client_for: Any, ben: Any, fay: Any, crown: Any) -> None:
    make_post(crown, fay, title="Soup", kind="offer")
    client = client_for(ben)
    url = reverse("exchange_board", args=[crown.slug])
    english = client.get(url).content.decode()
    ben.language = "es"
    ben.save(update_fields=["language"])
    spanish = client.get(url).content.decode()
    assert "Search" in english and "Buscar" in spanish and "Search</label>" not in spanish


def test_directory_form_from_the_memo(db: Any) -> None:
    _clear()
    url = reverse("directory")
    fresh = _page(Client().get(url, {"q": "11225"}))
    assert _page(Client().get(url, {"q": "11225"})) == fresh
    assert 'value="11225"' in fresh
    assert b'value="11216"' in Client().get(url, {"q": "11216"}).content


def test_healthz_touches_nothing(db: Any) -> None:
    client = Client()
    client.cookies["sessionid"] = "not-a-session"
    with assert_query_count(0):
        response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok"
    assert response["X-Frame-Options"] == "DENY"
    assert "Set-Cookie" not in response.headers
    # Any other method goes through the whole stack, CSRF check included.
    assert Client(enforce_csrf_checks=True).post("/healthz").status_code == 403


def test_board_cards_read_only_what_a_card_shows(client_for: Any, ben: Any, fay: Any, crown: Any) -> None:
    """The browser board neither decrypts the posts' details nor joins their authors; the API list, which
    shows both, still does."""
    from django.db import connection

    make_post(crown, fay, title="Nappies size 3", details="Two packs, unopened", area="Wingate")
    client = client_for(ben)
    statements: list[str] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        page = client.get(reverse("exchange_board", args=[crown.slug]))
    assert page.status_code == 200 and "Nappies size 3" in page.content.decode()
    board_queries = [s for s in statements if 'FROM "exchange_post"' in s and '"exchange_post"."title"' in s]
    assert len(board_queries) == 1
    assert '"exchange_post"."details"' not in board_queries[0]
    assert "members_user" not in board_queries[0]
    from mutualaid.members.services import access_token_create

    _record, token = access_token_create(user=ben, name="cards test")
    answer = Client().get(f"/api/v1/groups/{crown.slug}/posts", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert answer.status_code == 200, answer.content
    listed = answer.json()["results"]
    assert [(p["title"], p["details"], p["posted_by"]) for p in listed] == [
        ("Nappies size 3", "Two packs, unopened", fay.display_name)
    ]
