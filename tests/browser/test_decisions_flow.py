"""A consent proposal that changes a fund's approval rule, in a real browser at 390 px: the group
requires a passed proposal for fund rules, a coordinator proposes the change, a member consents, the
worker closes the vote at its closing time and the rule changes by itself."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.pages import click_through, settled_width
from tests.conftest import PASSWORD
from tests.totp import secret_of


def test_a_consent_proposal_changes_a_fund_rule(
    page: Any, go: Any, shot: Any, log_in: Any, ada: Any, ben: Any, crown: Any
) -> None:
    from mutualaid.decisions import services
    from mutualaid.decisions.models import Proposal
    from mutualaid.funds import services as fund_services
    from mutualaid.funds.models import Fund

    page.set_viewport_size({"width": 390, "height": 844})
    page.set_default_timeout(30_000)  # the shared machine can be slow; the flow, not the speed, is tested
    fund = fund_services.fund_create(group=crown, name="Groceries", single_approval_limit=50_00)
    missing: list[str] = []
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)

    # Ada makes fund rules a group decision, then proposes a higher single-approval limit.
    log_in("ada", PASSWORD, totp_secret=secret_of(ada))
    go("/g/crown/")
    page.get_by_role("link", name="Decisions").click()
    page.get_by_role("link", name="How we decide (policy)").click()
    page.get_by_label("changing a fund's approval rule needs a passed proposal").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("change a fund's approval rule").first).to_be_visible()
    page.get_by_role("link", name="Open a proposal").click()
    page.get_by_label("Title").fill("Let one coordinator approve up to $120")
    page.get_by_label("What is proposed, and why").fill("Weekly grocery runs cost about $110.")
    page.get_by_label("How we decide").select_option("consent")
    closes = timezone.localtime() + datetime.timedelta(days=3)
    page.get_by_label("Voting closes at").fill(closes.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("When it passes (coordinators)").select_option("funds.approval_rule")
    page.locator("#id_fund").select_option(label="Groceries")
    page.get_by_label("One coordinator approves up to (amount)").fill("120")
    page.get_by_label("Coordinators needed above that").fill("2")
    page.get_by_label("Or members needed above that (0: members do not approve)").fill("0")
    page.get_by_role("button", name="Open the proposal").click()
    expect(page.get_by_text("The proposal is open.")).to_be_visible()
    shot("decisions-proposal-open")
    expect(page.get_by_text("approval rule becomes")).to_be_visible()
    assert settled_width(page) <= 390
    proposal = Proposal.objects.get()
    page.get_by_label("Agree").check()
    page.get_by_role("button", name="Vote", exact=True).click()
    expect(page.get_by_text("Your vote is recorded.")).to_be_visible()
    click_through(page, page.get_by_role("button", name="Log out"))

    # Ben consents from his phone.
    log_in("ben", PASSWORD)
    go(f"/g/crown/decisions/{proposal.pk}/")
    expect(page.get_by_text("1 of 2 members have voted.")).to_be_visible()
    page.get_by_label("Agree").check()
    page.get_by_role("button", name="Vote", exact=True).click()
    expect(page.get_by_text("Your vote is recorded.")).to_be_visible()
    assert settled_width(page) <= 390
    shot("decisions-voted")

    # The worker closes the vote at its closing time; the rule changes by itself.
    assert services.close_due(now=proposal.closes_at) == 1
    fund.refresh_from_db()
    assert fund.single_approval_limit == 120_00
    go(f"/g/crown/decisions/{proposal.pk}/")
    assert page.locator("#outcome").inner_text().startswith("Passed")
    expect(page.get_by_text("The change it decided has been made.")).to_be_visible()
    shot("decisions-outcome")
    assert Fund.objects.get(pk=fund.pk).coordinator_approvals == 2
    assert not missing, missing
