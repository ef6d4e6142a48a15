"""Browser tests: Debian's chromium driven by Playwright against a live server, at phone width.

Helpers here are shared by every domain's browser tests: `page` (a fresh phone-sized tab on the live
server), `log_in`, `shot` (saves a screenshot into $TEST_OUTPUT_DIR/screenshots).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("MUTUALAID_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE = {"width": 360, "height": 740}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: scripts/ensure-chromium installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make are still
    # synchronous and single-threaded, so Django's async-safety guard does not apply to them.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import expect

    # A click that navigates returns once the new page is committed, before its text is laid out: the tests
    # check what a page shows with expect(), which waits for it, and give it as long as any other step on a
    # loaded 2-core machine.
    expect.set_options(timeout=10_000)
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


@pytest.fixture(autouse=True)
def _nothing_left_over(browser: Any) -> Iterator[None]:
    """Every browser test starts as on a fresh server and leaves nothing behind, even when it fails half-way.

    - The cache table outlives a test's flushed rows: allauth remembers each second-factor code it accepted
      (per account id, for one TOTP period) and the rate limits count attempts, so a test logging in as ada
      within 30 s of the previous one was refused her code. Cleared before every test, not only those that
      use `page`.
    - A test that opens its own browser contexts (two people at once) and fails before closing them left
      them open, logged in, on the shared browser for the rest of the worker's run; they are closed here,
      pass or fail.
    """
    from django.core.cache import cache

    cache.clear()
    before = set(browser.contexts)
    yield
    for context in browser.contexts:
        if context not in before:
            context.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=PHONE, locale="en-US", java_script_enabled=True)
    context.set_default_timeout(10_000)
    tab = context.new_page()
    tab.base_url = live_server.url
    errors: list[str] = []
    tab.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    tab.console_errors = errors
    yield tab
    context.close()


@pytest.fixture
def go(page: Any) -> Callable[[str], Any]:
    def visit(path: str) -> Any:
        return page.goto(page.base_url + path)

    return visit


@pytest.fixture
def shot(page: Any) -> Callable[[str], Path]:
    out = Path(os.environ.get("TEST_OUTPUT_DIR", "test-output")) / "screenshots"
    out.mkdir(parents=True, exist_ok=True)

    def save(name: str) -> Path:
        path = out / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save


@pytest.fixture
def log_in(page: Any, go: Callable[[str], Any]) -> Callable[..., None]:
    def do(username: str, password: str, totp_secret: str | None = None) -> None:
        go("/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        from tests.browser.pages import NAVIGATION_MS, click_through

        click_through(page, page.get_by_role("button", name="Log in"))
        if totp_secret:
            from tests.totp import current_code

            page.locator("input[name=code]").fill(current_code(totp_secret))
            page.get_by_role("button", name="Sign In").click()
            # The click returns before the form's answer arrives; a refused code stays on this page.
            page.wait_for_url(lambda url: "/accounts/2fa/" not in url, timeout=NAVIGATION_MS)
        page.wait_for_load_state()

    return do
