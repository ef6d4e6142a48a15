"""A Spanish speaker types a distance as they write it, "3,5", at 390 px with JavaScript on and off.

A number field (`<input type=number>`) in a Spanish browser dropped the comma: "3,5" reached the server
as "35" and the offer said it went ten times as far. Distances and map points are typed in text fields
that take a decimal comma or point (core.forms.DecimalField), like money in funds."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.pages import click_through
from tests.conftest import PASSWORD


@pytest.mark.parametrize("js", [True, False])
def test_a_decimal_comma_is_read_as_a_decimal_comma(
    browser: Any, live_server: Any, ben: Any, crown: Any, js: bool
) -> None:
    from mutualaid.exchange.models import Post

    ben.language = "es"
    ben.save()
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="es-ES", java_script_enabled=js
    )
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.locator("input[name=login]").fill("ben")
    page.locator("input[name=password]").fill(PASSWORD)
    click_through(page, page.locator("main form button[type=submit]").first)
    page.goto(live_server.url + "/g/crown/board/new/?kind=offer")
    page.locator("input[name=kind][value=offer]").check()
    page.locator("select[name=category]").select_option("transport")
    page.locator("input[name=title]").fill("Asientos en mi coche")
    page.locator("input[name=area]").fill("11216")
    # Typed key by key as a person does, not set as a value: the browser's own number parsing is the bug.
    page.locator("input[name=max_km]").press_sequentially("3,5")
    page.get_by_role("button", name="Publicar").click()
    expect(page.get_by_text("3,5 km")).to_be_visible()
    assert Post.objects.get().max_km == 3.5
    context.close()
