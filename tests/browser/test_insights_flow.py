"""The coordinator's needs-and-impact dashboard in a real browser at 390 px: reached from the group
page, small counts shown as "fewer than 11", filtered by period and category, a table downloaded as
CSV with the same suppression, and no horizontal scrolling."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.pages import settled_width
from tests.conftest import PASSWORD
from tests.totp import secret_of


def test_a_coordinator_reads_the_dashboard_and_downloads_a_table(
    page: Any, go: Any, shot: Any, log_in: Any, ada: Any, crown: Any
) -> None:
    from mutualaid.exchange.models import Post

    page.set_viewport_size({"width": 390, "height": 844})
    page.set_default_timeout(30_000)
    at = timezone.now() - datetime.timedelta(hours=1)
    posts = [Post(group=crown, kind="need", category="food", title="x", created_at=at) for _ in range(30)]
    posts += [Post(group=crown, kind="need", category="housing", title="x", created_at=at) for _ in range(4)]
    Post.objects.bulk_create(posts)
    from mutualaid.insights import figures

    figures.refresh(lag=datetime.timedelta(0))  # what the worker does every five minutes

    log_in("ada", PASSWORD, totp_secret=secret_of(ada))
    go("/g/crown/")
    page.get_by_role("link", name="Needs and impact").click()
    expect(page.get_by_role("heading", name="Needs by category and week")).to_be_visible()
    needs = page.locator("section", has=page.get_by_role("heading", name="Needs by category and week"))
    housing = needs.get_by_role("row", name="Housing & eviction defense")
    expect(housing.get_by_role("cell", name="fewer than 11")).to_have_count(1)
    expect(housing).not_to_contain_text("4 ")
    shot("insights-dashboard")
    assert settled_width(page) <= 390

    page.get_by_label("Period", exact=True).select_option("4")
    page.get_by_label("Category", exact=True).select_option("food")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_label("Period", exact=True)).to_have_value("4")
    food = page.locator("section", has=page.get_by_role("heading", name="Needs by category and week"))
    expect(food.get_by_role("row", name="Housing & eviction defense")).to_have_count(0)
    expect(food.locator("tfoot")).to_contain_text("30")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download “Needs by category and week” (CSV)").click()
    with open(download.value.path(), encoding="utf-8") as handle:
        text = handle.read()
    assert text.splitlines()[0].startswith("Category,")
    assert "Food" in text and "30" in text and "Housing" not in text
    assert settled_width(page) <= 390
