"""A Saturday pantry in a real browser at 390 px: a coordinator creates the series, two members sign up
for the one driver place, the first drops out, the waitlisted member is promoted and told, and the lead
records what the shift did."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.pages import click_through
from tests.conftest import PASSWORD, make_user
from tests.totp import secret_of


def test_series_sign_up_drop_promotion_and_outcomes(
    page: Any, go: Any, shot: Any, log_in: Any, ada: Any, ben: Any, crown: Any
) -> None:
    from mutualaid.channels.models import OutboundMessage
    from mutualaid.members.models import Membership
    from mutualaid.shifts.models import Occurrence, Series, Signup

    page.set_viewport_size({"width": 390, "height": 844})
    page.set_default_timeout(
        30_000
    )  # the shared machine can be slow; the flow, not the speed, is tested here
    gus = make_user("gus", email="gus@example.org")
    Membership.objects.create(user=gus, group=crown)
    missing: list[str] = []
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    today = timezone.localdate()
    saturday = today + datetime.timedelta(days=(5 - today.weekday()) % 7 or 7)

    # Ada creates the series from the group page.
    log_in("ada", PASSWORD, totp_secret=secret_of(ada))
    go("/g/crown/")
    page.get_by_role("link", name="Shifts").click()
    page.get_by_role("link", name="New shift").click()
    page.get_by_label("Title").fill("Saturday pantry")
    page.get_by_label("Place (hub or neighbourhood)").fill("Crown Heights hub")
    page.get_by_label("Exact address").fill("12 Example St, basement")
    page.get_by_label("First day").fill(saturday.isoformat())
    page.get_by_label("Starts at").fill("10:00")
    page.get_by_label("Length (minutes)").fill("180")
    page.get_by_label("Repeats").select_option("weekly")
    page.get_by_label("Lead").select_option(label="Ada")
    page.get_by_label("Roles and places").fill("driver: 1\nsorter: 2")
    shot("shifts-new-series")
    page.get_by_role("button", name="Create the shift").click()
    expect(page.get_by_text("The shift Saturday pantry was created.")).to_be_visible()
    series = Series.objects.get()
    assert series.rule == "FREQ=WEEKLY;BYDAY=SA"
    first = series.occurrences.order_by("starts_at").first()
    assert first is not None
    click_through(page, page.get_by_role("button", name="Log out"))

    # Ben takes the driver place; Gus joins the waitlist.
    for member, expected in (
        ("ben", "You are signed up as driver."),
        ("gus", "You are number 1 on the waitlist"),
    ):
        log_in(member, PASSWORD)
        go(f"/g/crown/shifts/?day={saturday.isoformat()}")
        page.locator(f"a[href$='/shifts/on/{first.pk}/']").click()
        page.get_by_role("listitem").filter(has_text="driver").get_by_role("button").click()
        expect(page.get_by_text(expected).first).to_be_visible()
        if member == "ben":
            expect(page.get_by_text("12 Example St, basement")).to_be_visible()
            shot("shifts-signed-up")
        else:
            assert page.get_by_text("12 Example St").count() == 0
        click_through(page, page.get_by_role("button", name="Log out"))

    # Ben can't make it: Gus moves up and is told.
    log_in("ben", PASSWORD)
    go(f"/g/crown/shifts/on/{first.pk}/")
    page.get_by_role("button", name="I can't make it").click()
    expect(page.get_by_text("You dropped out.")).to_be_visible()
    assert Signup.objects.get(user=gus).state == "confirmed"
    assert OutboundMessage.objects.filter(kind="shift_promoted", user=gus).exists()
    click_through(page, page.get_by_role("button", name="Log out"))
    log_in("gus", PASSWORD)
    go(f"/g/crown/shifts/on/{first.pk}/")
    expect(page.get_by_text("You are signed up as driver.")).to_be_visible()
    shot("shifts-promoted")
    click_through(page, page.get_by_role("button", name="Log out"))

    # The shift happens; the lead records what it did.
    started = timezone.now() - datetime.timedelta(hours=2)
    Occurrence.objects.filter(pk=first.pk).update(
        starts_at=started, ends_at=started + datetime.timedelta(hours=3)
    )
    log_in("ada", PASSWORD, totp_secret=secret_of(ada))
    go(f"/g/crown/shifts/on/{first.pk}/")
    page.get_by_role("link", name="Record outcomes").click()
    page.get_by_label("Households served").fill("37")
    page.get_by_label("Kilograms distributed").fill("410")
    page.get_by_label("Notes (sealed)").fill("Ran out of rice at 12:30")
    shot("shifts-outcomes")
    page.get_by_role("button", name="Record").click()
    expect(page.get_by_text("The outcome was recorded.")).to_be_visible()
    expect(page.get_by_text("37 households served")).to_be_visible()
    first.refresh_from_db()
    assert (first.households_served, first.kilograms) == (37, 410)
    go("/g/crown/shifts/")
    shot("shifts-calendar")
    assert not [url for url in missing if not url.endswith("/favicon.ico")], missing
