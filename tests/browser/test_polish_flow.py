"""Small fixes a member meets, in a real browser at 390 px, with JavaScript on and off: the board's search
address without empty fields, the funds page's sentences and days in Chinese, the gateways page's words."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.pages import click_through
from tests.conftest import PASSWORD

WIDTH = 390


@pytest.fixture(params=[True, False], ids=["js", "no-js"])
def tab(request: Any, browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(
        viewport={"width": WIDTH, "height": 800}, locale="en-US", java_script_enabled=request.param
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.base_url = live_server.url
    yield page
    context.close()


def _log_in(tab: Any, username: str, user: Any = None) -> None:
    tab.goto(tab.base_url + "/accounts/login/")
    tab.get_by_label("Username").fill(username)
    tab.get_by_label("Password").fill(PASSWORD)
    click_through(tab, tab.get_by_role("button", name="Log in"))
    if user is not None:  # a coordinator: the second factor
        from tests.totp import code_for

        code = code_for(user)
        tab.locator("input[name=code]").fill(code)
        click_through(tab, tab.get_by_role("button", name="Sign In"))


def _fits(tab: Any) -> None:
    assert tab.evaluate("document.documentElement.scrollWidth") <= WIDTH


def test_the_board_search_address_has_no_empty_fields(tab: Any, ben: Any, crown: Any) -> None:
    from tests.helpers import make_post

    make_post(crown, ben, title="Rice and beans")
    make_post(crown, ben, title="Ride to clinic", category="transport")
    _log_in(tab, "ben")
    tab.goto(tab.base_url + "/g/crown/board/")
    tab.get_by_text("Filter and search").click()
    tab.get_by_label("Search").fill("clinic")
    tab.get_by_role("button", name="Show").click()
    tab.wait_for_url("**/board/?*")
    expect(tab.get_by_role("link", name="Ride to clinic")).to_be_visible()
    expect(tab.get_by_role("link", name="Rice and beans")).to_have_count(0)
    assert parse_qsl(urlsplit(tab.url).query, keep_blank_values=True) == [("q", "clinic")], tab.url
    _fits(tab)


def test_the_funds_page_in_chinese_ends_its_sentences_in_chinese(tab: Any, ada: Any, crown: Any) -> None:
    from mutualaid.funds import services

    fund = services.fund_create(group=crown, name="Rent", coordinator_approvals=2, member_approvals=3)
    services.contribution_record(
        fund=fund,
        amount=20_00,
        currency="USD",
        method="cash",
        recorded_by=ada,
        occurred_on=datetime.date(2026, 11, 20),
    )
    ada.language = "zh-hans"
    ada.save(update_fields=["language"])
    _log_in(tab, "ada", ada)
    tab.goto(tab.base_url + f"/g/crown/funds/{fund.pk}/")
    rule = "超过上限时，必须有 2 位协调人批准，或由 3 位成员批准。"  # noqa: RUF001 (Chinese commas)
    expect(tab.get_by_text(rule)).to_be_visible()
    expect(tab.get_by_text("2026年11月20日").first).to_be_visible()
    assert "位协调人." not in tab.content()
    _fits(tab)


def test_the_gateways_page_says_several_can_be_connected(tab: Any, ada: Any, crown: Any) -> None:
    _log_in(tab, "ada", ada)
    tab.goto(tab.base_url + "/channels/crown/gateways/")
    expect(tab.get_by_text("Connect one gateway or several", exact=False)).to_be_visible()
    _fits(tab)
