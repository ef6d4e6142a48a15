"""The board in a real browser at phone width: post a need, another member claims it, accept, talk, fulfil."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.pages import click_through
from tests.conftest import PASSWORD


def test_post_claim_accept_converse_fulfil(
    page: Any, go: Any, shot: Any, log_in: Any, ben: Any, crown: Any
) -> None:
    from mutualaid.exchange.models import Claim, Message, Post
    from mutualaid.members.models import Membership
    from tests.conftest import make_user

    fay = make_user("fay")
    Membership.objects.create(user=fay, group=crown)

    log_in("ben", PASSWORD)
    go("/g/crown/")
    page.get_by_role("link", name="Needs and offers").click()
    page.get_by_role("link", name="Ask for something").click()
    page.get_by_label("Category").select_option("food")
    page.get_by_label("Short title").fill("2 bags of groceries")
    page.get_by_label("Details").fill("Vegetarian, <b>no pork</b>")
    page.get_by_label("Quantity").fill("2")
    page.get_by_label("Unit (bags, seats, hours…)").fill("bags")
    page.get_by_label("When").select_option("today")
    page.get_by_label("Area").fill("11216")
    page.get_by_label("Exact address (optional)").fill("12 Secret St, apt 3")
    shot("exchange-post-form")
    page.get_by_role("button", name="Post").click()
    expect(page.get_by_text("Your post is on the board.")).to_be_visible()
    expect(page.get_by_text("Vegetarian, <b>no pork</b>")).to_be_visible()  # markup shown as text
    post = Post.objects.get()
    assert (post.quantity, post.unit, post.urgency, post.status) == (2, "bags", "today", "open")

    page.context.clear_cookies()
    log_in("fay", PASSWORD)
    go("/g/crown/board/")
    shot("exchange-board")
    click_through(page, page.get_by_role("link", name="2 bags of groceries"))
    assert page.get_by_text("12 Secret St").count() == 0
    page.get_by_role("button", name="I can help").click()
    expect(page.get_by_text("The poster will answer your claim.")).to_be_visible()

    page.context.clear_cookies()
    log_in("ben", PASSWORD)
    go(f"/g/crown/board/{post.pk}/")
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_text("Claim accepted. You can now talk privately.")).to_be_visible()
    page.get_by_role("link", name="Conversation").click()
    page.get_by_label("Message").fill("Thank you! Ring twice.")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Thank you! Ring twice.")).to_be_visible()

    page.context.clear_cookies()
    log_in("fay", PASSWORD)
    go(f"/g/crown/board/{post.pk}/")
    expect(page.get_by_text("12 Secret St, apt 3")).to_be_visible()  # revealed to the accepted helper only
    page.get_by_role("link", name="Conversation").click()
    expect(page.get_by_text("Thank you! Ring twice.")).to_be_visible()
    page.get_by_label("Message").fill("On my way at 6")
    page.get_by_role("button", name="Send").click()
    shot("exchange-conversation")
    page.get_by_role("link", name="Back to the post").click()
    page.get_by_role("button", name="Mark fulfilled").click()
    expect(page.get_by_text("Marked as fulfilled. Thank you!")).to_be_visible()
    shot("exchange-fulfilled")

    post.refresh_from_db()
    assert post.status == "fulfilled" and post.closed_at is not None
    assert Claim.objects.get(post=post).state == "done"
    assert Message.objects.filter(claim__post=post).count() == 2
