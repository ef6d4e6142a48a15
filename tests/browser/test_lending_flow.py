"""The lending library in a real browser at 390 px: Fay lends her own ladder through the group, Ben
requests it (one tap), Fay records the hand-over (one tap) and the return (one tap)."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.pages import settled_width
from tests.conftest import PASSWORD


def test_request_lend_return_at_390px(page: Any, go: Any, shot: Any, log_in: Any, ben: Any, fay: Any) -> None:
    from mutualaid.lending.models import Item, Loan

    page.set_viewport_size({"width": 390, "height": 844})
    page.set_default_timeout(30_000)  # the shared machine can be slow; the flow is what is tested

    log_in("fay", PASSWORD)
    go("/g/crown/lending/")
    page.get_by_role("link", name="Lend something").click()
    page.get_by_label("Name").fill("Step ladder")
    page.get_by_label("Loan length in days").fill("5")
    page.get_by_label("This is my own item: I lend it through the group and keep ownership").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The item is in the library.")).to_be_visible()
    ladder = Item.objects.get()
    assert ladder.lender_id == fay.pk

    page.context.clear_cookies()
    log_in("ben", PASSWORD)
    go(f"/g/crown/lending/{ladder.pk}/")
    assert settled_width(page) <= 390
    page.get_by_role("button", name="Request").click()
    expect(page.get_by_text("It is held for you. Arrange the pick-up with the lender.").first).to_be_visible()
    shot("lending-held")
    loan = Loan.objects.get(item=ladder)
    assert loan.member_id == ben.pk and loan.state == "ready"

    page.context.clear_cookies()
    log_in("fay", PASSWORD)
    go(f"/g/crown/lending/{ladder.pk}/")
    page.get_by_role("button", name="Lend to Ben").click()
    expect(page.get_by_text("Handed over. It is due back on the date shown.")).to_be_visible()
    expect(page.get_by_text("With Ben since")).to_be_visible()
    shot("lending-on-loan")
    loan.refresh_from_db()
    assert loan.state == "out" and loan.lent_by_id == fay.pk and loan.due_on is not None
    page.get_by_role("button", name="Returned").click()
    expect(page.get_by_text("Returned. The next person in line is told.")).to_be_visible()
    loan.refresh_from_db()
    assert loan.state == "returned" and loan.returned_to_id == fay.pk
    assert settled_width(page) <= 390
