"""The board's kept page parts ({% shared %}) in a real browser without JavaScript: the forms inside them carry
a working CSRF token and the page's own address, so switching the language and logging out work from a board
whose header and footer were kept from an earlier view."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.browser.pages import click_through
from tests.conftest import PASSWORD
from tests.exchange.conftest import make_post


def test_language_switch_and_logout_from_a_kept_board(
    browser: Any, live_server: Any, ben: Any, fay: Any, crown: Any
) -> None:
    make_post(crown, fay, title="Rice and beans")
    context = browser.new_context(viewport=PHONE, locale="en-US", java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/accounts/login/")
        page.get_by_label("Username").fill("ben")
        page.get_by_label("Password").fill(PASSWORD)
        click_through(page, page.get_by_role("button", name="Log in"))
        board = live_server.url + "/g/crown/board/?q=rice"
        page.goto(board)
        page.goto(board)  # the second view is the one built from the kept parts
        expect(
            page.get_by_role("heading", name="Needs and offers · Crown Heights Mutual Aid")
        ).to_be_visible()
        expect(page.get_by_role("link", name="Rice and beans")).to_be_visible()

        page.get_by_label("Site language").select_option("es")
        page.get_by_role("button", name="Change").click()
        expect(
            page.get_by_role("heading", name="Necesidades y ofertas · Crown Heights Mutual Aid")
        ).to_be_visible()
        assert page.url == board  # back on the page it was sent from, search included
        expect(page.get_by_role("link", name="Rice and beans")).to_be_visible()

        click_through(page, page.get_by_role("button", name="Salir"))
        expect(page.get_by_role("link", name="Entrar")).to_be_visible()
        page.goto(board)
        expect(page.get_by_role("link", name="Entrar")).to_be_visible()  # the board now asks to log in
        assert "/accounts/login/" in page.url
        assert page.get_by_role("button", name="Salir").count() == 0
    finally:
        context.close()
