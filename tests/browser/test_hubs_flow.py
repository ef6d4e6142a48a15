"""A community fridge in a real browser at 390 px: a passer-by without an account finds it nearest
first, reports it empty, a restock need appears on the board, and a member claims it."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.pages import click_through
from tests.conftest import PASSWORD


def test_anonymous_report_empty_restock_need_member_claims(
    page: Any, go: Any, shot: Any, log_in: Any, ada: Any, ben: Any, crown: Any
) -> None:
    from mutualaid.exchange.models import Claim, Post
    from mutualaid.hubs import services
    from mutualaid.hubs.models import Report

    page.set_viewport_size({"width": 390, "height": 844})
    page.set_default_timeout(30_000)  # the shared machine can be slow; the flow is what is tested
    fridge = services.hub_create(
        group=crown,
        actor=ada,
        data=services.HubInput(
            name="Franklin Ave fridge",
            address="801 Franklin Ave",
            area="40.6712, -73.9577",
            takes="Fresh produce",
            restock_quantity=3,
            restock_unit="bags",
        ),
    )

    # A passer-by finds the fridge from a postal code and reports it empty, without an account.
    go("/hubs/?q=11216")
    expect(page.get_by_role("heading", name="Find a fridge or pantry")).to_be_visible()
    assert page.locator("svg circle").count() >= 1
    page.get_by_role("link", name="Franklin Ave fridge").click()
    expect(page.get_by_text("801 Franklin Ave")).to_be_visible()
    click_through(page, page.get_by_role("link", name="Report how it is"))
    assert page.locator("input[type=radio]:checked").count() == 0  # nothing pre-filled
    page.get_by_label("Good").check()
    page.get_by_label("Empty").check()
    page.get_by_label("Note (optional)").fill("Only ice left")
    shot("hubs-report")
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_text("Thank you: the hub's page shows what you found.")).to_be_visible()
    expect(page.get_by_text("checked less than an hour ago")).to_be_visible()
    assert Report.objects.get(hub=fridge).food_level == 0
    need = Post.objects.get(kind="need")
    assert need.quantity == 3 and need.status == "open"

    # Ben sees the restock need from the hub's page and claims it like any need.
    log_in("ben", PASSWORD)
    go(f"/g/crown/hubs/{fridge.pk}/")
    page.get_by_role("link", name="Help restock").click()
    expect(page.get_by_role("heading", name="Restock Franklin Ave fridge")).to_be_visible()
    shot("hubs-restock-need")
    click_through(page, page.locator(f"form[action$='/{need.pk}/claim/'] button"))
    claim = Claim.objects.get(post=need)
    assert claim.claimant_id == ben.pk
    need.refresh_from_db()
    assert need.status == "claimed"
