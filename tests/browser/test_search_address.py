"""The board's in-place search (core/enhance.js) keeps the address bar in step with only what was chosen: no
"?page=&category=&…" of empty fields."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlsplit

from playwright.sync_api import expect

from tests.conftest import PASSWORD


def test_the_board_search_address_carries_only_the_fields_filled_in(
    page: Any, go: Any, log_in: Any, ben: Any, crown: Any
) -> None:
    from mutualaid.exchange.services import PostInput, post_create

    for title, category in (("Rice and beans", "food"), ("Ride to clinic", "transport")):
        post_create(group=crown, author=ben, data=PostInput(kind="need", category=category, title=title))
    log_in("ben", PASSWORD)
    go("/g/crown/board/")
    page.get_by_text("Filter and search").click()
    page.get_by_label("Search").fill("clinic")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/board/?*")
    expect(page.get_by_role("link", name="Ride to clinic")).to_be_visible()
    expect(page.get_by_role("link", name="Rice and beans")).to_have_count(0)
    pairs = parse_qsl(urlsplit(page.url).query, keep_blank_values=True)
    assert pairs and all(value for _name, value in pairs), page.url
    assert "clinic" in dict(pairs).values()
