"""Small helpers for the browser flows."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Error

NAVIGATION_MS = 30_000


def settled_width(page: Any) -> int:
    """The document's scroll width, read once the page has settled.

    A click does not wait for the navigation it starts, so reading the width right after one can land while
    the old document is being replaced ("documentElement is null", or the execution context destroyed): wait
    for the load and read again."""
    for attempt in range(5):
        page.wait_for_load_state("load")
        try:
            return int(page.evaluate("document.documentElement.scrollWidth"))
        except Error:
            if attempt == 4:
                raise
            page.wait_for_timeout(100)
    raise AssertionError("unreachable")


def click_through(page: Any, target: Any, *, key: str | None = None) -> None:
    """Clicks `target` (a link or a form's button; or presses `key` in it) and returns once the page it leads
    to has loaded.

    A click returns as soon as it is dispatched, and `wait_for_load_state()` right after it answers for the
    page still showing, which has loaded long ago. A test that then read the database, the address, or went
    to another page raced the server's answer: on a loaded machine the form's POST had not arrived yet (the
    claim was not there, the address was the old one), or `goto` cancelled it (the login never happened)."""
    # A page's own 10 s are for what a member would wait; a form's answer on a CI machine with both cores busy
    # (a login hashing a password while another worker's browser renders) was seen to take longer.
    with page.expect_navigation(timeout=NAVIGATION_MS):
        if key is None:
            target.click()
        else:
            target.press(key)
