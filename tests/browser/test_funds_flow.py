"""A bail fund at work, in a real browser at phone width: a member asks, two coordinators approve and pay,
and the public transparency page shows the money going out without a single name."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.pages import click_through
from tests.conftest import PASSWORD, enable_totp, make_user
from tests.totp import secret_of


def test_bail_request_two_approvals_and_the_transparency_page(
    page: Any, go: Any, shot: Any, log_in: Any, ada: Any, ben: Any, crown: Any
) -> None:
    from mutualaid.funds import services
    from mutualaid.funds.models import Request
    from mutualaid.members.models import Membership

    ida = make_user("ida")
    Membership.objects.create(user=ida, group=crown, role="coordinator")
    enable_totp(ida)
    fund = services.fund_create(
        group=crown,
        name="Crown Bail Fund",
        kind="bail",
        visibility="public",
        single_approval_limit=100_00,
        purpose="We post bail so nobody waits for trial in jail for lack of money.",
    )
    services.contribution_record(fund=fund, amount=2000_00, currency="USD", method="bank", recorded_by=ada)

    missing: list[str] = []
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)

    # Ben asks, from the group page.
    log_in("ben", PASSWORD)
    go("/g/crown/")
    page.get_by_role("link", name="Funds").click()
    page.get_by_role("link", name="Crown Bail Fund").click()
    page.get_by_role("link", name="Ask for money").click()
    page.get_by_label("What is it for").select_option("bail")
    page.get_by_label("Category").select_option("legal")
    page.get_by_label("Amount").fill("1500")
    page.get_by_label("Someone else").check()
    page.get_by_label("What the money is for").fill("Bail for Jordan Rivera, arrested at the tenant protest")
    page.get_by_label("Who to pay and how (optional)").fill("Kings County Criminal Court, cashier")
    shot("funds-request-form")
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_text("Your request was sent.")).to_be_visible()
    expect(page.get_by_text("Nobody approves their own request.").first).to_be_visible()
    assert page.get_by_role("button", name="Approve").count() == 0
    ask = Request.objects.get()
    click_through(page, page.get_by_role("button", name="Log out"))

    # Two coordinators approve; the second records the cheque.
    for coordinator in (ada, ida):
        log_in(coordinator.username, PASSWORD, totp_secret=secret_of(coordinator))
        go(f"/g/crown/funds/requests/{ask.pk}/")
        expect(page.get_by_text("Bail for Jordan Rivera")).to_be_visible()
        page.get_by_role("button", name="Approve").click()
        if coordinator is ada:
            expect(page.get_by_text("Your approval was recorded.")).to_be_visible()
            click_through(page, page.get_by_role("button", name="Log out"))
    expect(page.get_by_text("The fund's rule is met")).to_be_visible()
    page.get_by_label("How it was paid").select_option("check")
    page.get_by_label("Payment reference").fill("cashier's check 0042")
    shot("funds-request-approved")
    page.get_by_role("button", name="Record the payment").click()
    expect(page.get_by_text("The payment was recorded in the ledger.")).to_be_visible()
    ask.refresh_from_db()
    assert (ask.status, ask.bail_status) == ("paid", "out")
    click_through(page, page.get_by_role("button", name="Log out"))

    # Anyone can read the public page, found from the group's public page: the bail went out, nobody is named.
    page.context.clear_cookies()
    go("/g/crown/")
    click_through(page, page.get_by_role("link", name="Crown Bail Fund"))
    assert page.url.endswith(f"/g/crown/funds/{fund.pk}/transparency/")
    table = page.locator("#public-transactions")
    expect(table.get_by_text("Bail posted: Bail & legal support")).to_be_visible()
    expect(table.get_by_text("-1,500.00 USD")).to_be_visible()
    assert page.locator("#fund-balance").inner_text() == "500.00 USD"
    assert page.locator("svg polyline").count() == 1
    body = page.locator("body").inner_text()
    for name in ("Jordan", "Rivera", "Kings County", "Ben", "Ada", "Ida", "0042"):
        assert name not in body
    shot("funds-transparency")
    # Browsers ask for /favicon.ico on their own; every other resource must load.
    assert not [url for url in missing if not url.endswith("/favicon.ico")], missing
