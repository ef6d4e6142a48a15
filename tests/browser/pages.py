"""Small helpers for the browser flows."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Error


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
