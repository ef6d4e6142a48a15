"""A member downloads their own data in a real browser at 390 px without JavaScript: from the profile to
the password step, a wrong password refused on the page, then the file (and a coordinator's code)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.pages import click_through
from tests.conftest import PASSWORD
from tests.totp import code_for

WIDTH = 390


@pytest.fixture
def tab(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(
        viewport={"width": WIDTH, "height": 800},
        locale="en-US",
        java_script_enabled=False,
        accept_downloads=True,
    )
    context.set_default_timeout(10_000)
    # The live server's first page (a cold start) can take longer than that on a loaded 2-core machine.
    context.set_default_navigation_timeout(30_000)
    page = context.new_page()
    page.base_url = live_server.url
    yield page
    context.close()


def _log_in(tab: Any, user: Any, *, second_factor: bool = False) -> None:
    tab.goto(tab.base_url + "/accounts/login/")
    tab.get_by_label("Username").fill(user.username)
    tab.get_by_label("Password").fill(PASSWORD)
    click_through(tab, tab.get_by_role("button", name="Log in"))
    if second_factor:
        tab.locator("input[name=code]").fill(code_for(user))
        click_through(tab, tab.get_by_role("button", name="Sign In"))


def _download(tab: Any, tmp_path: Path) -> dict[str, Any]:
    with tab.expect_download() as info:
        tab.get_by_role("button", name="Download my data").click()
    download = info.value
    assert download.suggested_filename.startswith("mutualaid-my-data-")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


def test_a_member_types_their_password_again_and_gets_the_file(
    tab: Any, ben: Any, crown: Any, tmp_path: Path
) -> None:
    from mutualaid.channels.models import Notice
    from tests.helpers import make_post

    make_post(crown, ben, title="Rice and beans", details="Second floor, blue door")
    _log_in(tab, ben)
    tab.goto(tab.base_url + "/me/")
    tab.get_by_role("link", name="Download my data").click()
    expect(tab.get_by_role("heading", name="Download my data")).to_be_visible()
    expect(tab.get_by_label("Code from your second factor")).to_have_count(0)
    assert tab.evaluate("document.documentElement.scrollWidth") <= WIDTH
    tab.get_by_label("Your password").fill("not my password")
    tab.get_by_role("button", name="Download my data").click()
    expect(tab.get_by_text("That password is not right.")).to_be_visible()
    tab.get_by_label("Your password").fill(PASSWORD)
    document = _download(tab, tmp_path)
    assert document["apps"]["exchange"]["posts"][0]["details"] == "Second floor, blue door"
    assert Notice.objects.filter(user=ben, kind="data_exported").exists()


def test_a_coordinator_also_types_a_code_from_their_second_factor(tab: Any, ada: Any, tmp_path: Path) -> None:
    _log_in(tab, ada, second_factor=True)
    tab.goto(tab.base_url + "/me/export/")
    tab.get_by_label("Your password").fill(PASSWORD)
    tab.get_by_role("button", name="Download my data").click()
    expect(tab.get_by_text("Type a code from your second factor.")).to_be_visible()
    assert tab.evaluate("document.documentElement.scrollWidth") <= WIDTH
    tab.get_by_label("Your password").fill(PASSWORD)
    tab.get_by_label("Code from your second factor").fill(code_for(ada))
    document = _download(tab, tmp_path)
    assert document["apps"]["members"]["second_factor"] == {"enrolled": True, "kinds": ["totp"]}
