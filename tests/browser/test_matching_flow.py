"""Matching in a real browser at phone width: a coordinator runs a round and approves with fewer units,
both sides accept on their own page, and the need is assigned on the board."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.totp import secret_of


def test_round_approve_accept(
    page: Any, go: Any, shot: Any, log_in: Any, ada: Any, ben: Any, crown: Any
) -> None:
    from mutualaid.exchange import services as board
    from mutualaid.exchange.models import Claim
    from mutualaid.matching.models import Proposal
    from mutualaid.members.models import Membership
    from tests.conftest import make_user
    from tests.matching.test_round_jobs import run_jobs

    fay = make_user("fay")
    Membership.objects.create(user=fay, group=crown)
    need = board.post_create(
        group=crown,
        author=ben,
        data=board.PostInput(
            kind="need",
            category="food",
            title="Groceries for three",
            quantity=3,
            urgency="today",
            lat=40.6712,
            lon=-73.9448,
            address="12 Secret St",
        ),
    )
    board.post_create(
        group=crown,
        author=fay,
        data=board.PostInput(
            kind="offer", category="food", title="Soup pots", quantity=3, lat=40.6650, lon=-73.9500
        ),
    )

    log_in("ada", PASSWORD, totp_secret=secret_of(ada))
    go("/g/crown/matching/")
    page.get_by_role("button", name="Run a matching round").click()
    # The round is queued for the worker: the page says so, with a plain link to look again.
    expect(page.get_by_text("Round started. Its proposals show here when it finishes.")).to_be_visible()
    expect(page.get_by_text("Round running… started at")).to_be_visible()
    run_jobs()
    page.get_by_role("link", name="Refresh this page").click()
    expect(page.get_by_text("1 proposal")).to_be_visible()
    assert page.get_by_text("12 Secret St").count() == 0
    proposal = Proposal.objects.get()
    page.locator(f"#sel-{proposal.pk}").check()
    page.get_by_label("Units").fill("2")
    shot("matching-round")
    page.get_by_role("button", name="Approve ticked").click()
    expect(page.get_by_text("Approved: 1. Rejected: 0. No longer open: 0.")).to_be_visible()

    for user in ("ben", "fay"):
        page.context.clear_cookies()
        log_in(user, PASSWORD)
        go("/g/crown/matching/mine/")
        if user == "ben":
            shot("matching-mine")
        page.get_by_role("button", name="Accept").click()
    # The coordinator approved 2 of the 3 units: those 2 are split off and assigned, the third stays open.
    expect(
        page.get_by_text(
            "Both sides accepted: 2 units of the need are now assigned on the board; the rest stays open."
        )
    ).to_be_visible()
    claim = next(c for c in Claim.objects.filter(post__quantity=2) if c.post.title == need.title)
    assert (claim.claimant, claim.state, claim.post.status) == (fay, "accepted", "in_progress")
    need.refresh_from_db()
    assert (need.quantity, need.status) == (1, "open")
    # (no console check: the live server answers 404 for static files, as in the other browser tests)
