"""A new group's first day at phone width, in English and Spanish, with JavaScript on and off (issue 11)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.pages import click_through, settled_width
from tests.conftest import PASSWORD
from tests.totp import secret_of

PHONE_390 = {"width": 390, "height": 844}


@pytest.fixture(params=[True, False], ids=["js", "nojs"])
def tab(request: pytest.FixtureRequest, browser: Any, live_server: Any) -> Iterator[Any]:
    from django.core.cache import cache

    cache.clear()
    context = browser.new_context(viewport=PHONE_390, locale="en-US", java_script_enabled=request.param)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.base_url = live_server.url
    page.js = request.param
    yield page
    context.close()


def _log_in(page: Any, username: str) -> None:
    page.goto(page.base_url + "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    click_through(page, page.get_by_role("button", name="Log in"))


def test_home_page_search_finds_the_group(tab: Any, crown: Any) -> None:
    tab.goto(tab.base_url + "/")
    tab.get_by_label("Postal code, neighbourhood, town or coordinates").fill("11216")
    tab.get_by_role("button", name="Search").click()
    tab.wait_for_url("**/directory/?*")
    expect(tab.get_by_role("link", name="Crown Heights Mutual Aid")).to_be_visible()


def test_directory_search_in_place(tab: Any, crown: Any) -> None:
    tab.goto(tab.base_url + "/directory/")
    tab.get_by_label("Postal code, neighbourhood, town or coordinates").fill("11216")
    tab.get_by_role("button", name="Search").click()
    tab.wait_for_url("**/directory/?*")
    tab.get_by_role("link", name="Crown Heights Mutual Aid").wait_for()
    assert tab.locator("#results").count() == 1


def test_board_filter(tab: Any, ben: Any, crown: Any) -> None:
    from mutualaid.exchange.services import PostInput, post_create

    for title, category in (("Rice and beans", "food"), ("Ride to clinic", "transport")):
        post_create(group=crown, author=ben, data=PostInput(kind="need", category=category, title=title))
    _log_in(tab, "ben")
    tab.goto(tab.base_url + "/g/crown/board/")
    tab.get_by_text("Filter and search").click()
    tab.get_by_label("Search").fill("clinic")
    tab.get_by_role("button", name="Show").click()
    tab.wait_for_url("**/board/?*")
    tab.get_by_role("link", name="Ride to clinic").wait_for()
    assert tab.get_by_role("link", name="Rice and beans").count() == 0


def test_every_money_form_submits_first_time_in_spanish(
    page: Any, go: Any, log_in: Any, ada: Any, ben: Any, crown: Any
) -> None:
    from mutualaid.funds import services
    from mutualaid.funds.models import Pledge, Request, Transaction

    ada.language = ben.language = "es"
    ada.save(update_fields=["language"])
    ben.save(update_fields=["language"])
    fund = services.fund_create(group=crown, name="Fondo de renta", kind="rent", single_approval_limit=500_00)

    def submit(path: str, fields: dict[str, str]) -> None:
        go(path)
        assert page.locator("html").get_attribute("lang") == "es"
        for name, value in fields.items():
            page.locator(f"main form [name={name}]").fill(value)
        click_through(page, page.locator("main form button[type=submit]").last)
        assert page.locator(".errorlist").count() == 0, page.locator(".errorlist").all_inner_texts()

    # Ben asks first: ada logs in once (a second-factor code is accepted once per period).
    log_in("ben", PASSWORD)
    submit(
        f"/g/crown/funds/{fund.pk}/requests/new/", {"amount": "40", "purpose": "Para la renta de diciembre"}
    )
    ask = Request.objects.get(fund=fund)
    click_through(page, page.get_by_role("button", name="Salir"))

    log_in("ada", PASSWORD, secret_of(ada))
    submit(f"/g/crown/funds/{fund.pk}/contributions/new/", {"amount": "120,50"})
    assert Transaction.objects.filter(fund=fund).count() == 1
    submit(f"/g/crown/funds/{fund.pk}/pledges/new/", {"amount": "10"})
    assert Pledge.objects.filter(fund=fund).count() == 1
    go(f"/g/crown/funds/requests/{ask.pk}/")
    click_through(page, page.locator("form[action$='/approve/'] button"))
    click_through(page, page.locator("form[action$='/pay/'] button"))
    ask.refresh_from_db()
    assert ask.status == "paid"


def test_wide_tables_fit_a_390px_phone(
    page: Any, go: Any, log_in: Any, ada: Any, ben: Any, crown: Any
) -> None:
    from mutualaid.funds.services import contribution_record, fund_create

    page.set_viewport_size(PHONE_390)
    fund = fund_create(group=crown, name="Rent relief for the whole building on Lincoln Place", kind="rent")
    contribution_record(fund=fund, amount=1234_56, currency="USD", method="cash", recorded_by=ada)
    log_in("ada", PASSWORD, secret_of(ada))
    for path in (f"/g/crown/funds/{fund.pk}/", "/g/crown/members/"):
        go(path)
        width = settled_width(page)
        assert width <= PHONE_390["width"], (path, width)
        assert (
            page.evaluate(
                "Math.max(...[...document.querySelectorAll('table')].map(t => t.scrollWidth - t.clientWidth))"
            )
            <= 0
        ), path
