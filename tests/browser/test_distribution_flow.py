"""A pantry distribution day in a real browser at 390 px: a coordinator sets up the day, a member books a
slot on their phone, the coordinator books for a neighbour, and at the door checks the member in and
records a walk-in on the check-in page."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.pages import click_through, settled_width
from tests.conftest import PASSWORD
from tests.totp import secret_of


def _fits(page: Any) -> None:
    assert settled_width(page) <= 390


def test_set_up_a_day_book_a_slot_and_check_in(
    page: Any, go: Any, shot: Any, log_in: Any, ada: Any, ben: Any, crown: Any
) -> None:
    from mutualaid.shifts.models import DistributionDay, SlotBooking

    page.set_viewport_size({"width": 390, "height": 844})
    page.set_default_timeout(30_000)
    missing: list[str] = []
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    day = timezone.localdate() + datetime.timedelta(days=3)

    # Ada sets up the day.
    log_in("ada", PASSWORD, totp_secret=secret_of(ada))
    go("/g/crown/shifts/")
    page.get_by_role("link", name="Distribution days").first.click()
    page.get_by_role("link", name="New distribution day").click()
    page.locator("#id_title").fill("Saturday pantry day")
    page.get_by_label("Place (hub or neighbourhood)").fill("Crown Heights hub")
    page.get_by_label("Exact address").fill("12 Example St, basement")
    page.locator("#id_date").fill(day.isoformat())
    page.get_by_label("First slot starts at").fill("10:00")
    page.get_by_label("Slot length (minutes)").fill("20")
    page.get_by_label("Number of slots").fill("3")
    page.get_by_label("Households per slot").fill("2")
    page.get_by_label("Time zone").fill("UTC")
    page.get_by_role("button", name="Set up the day").click()
    expect(page.get_by_text("The distribution day was set up.")).to_be_visible()
    distribution_day = DistributionDay.objects.get()
    assert distribution_day.slots.count() == 3
    click_through(page, page.get_by_role("button", name="Log out"))

    # Ben books the 10:20 slot on his phone.
    log_in("ben", PASSWORD)
    go(f"/g/crown/shifts/days/{distribution_day.pk}/")
    _fits(page)
    assert page.get_by_text("12 Example St").count() == 0
    shot("distribution-day-slots")
    page.get_by_role("button", name="Book 10:20").click()
    expect(page.get_by_text("Your place is booked.")).to_be_visible()
    expect(page.get_by_text("You have a place at 10:20.")).to_be_visible()
    expect(page.get_by_text("12 Example St, basement")).to_be_visible()
    _fits(page)
    shot("distribution-day-booked")
    booking = SlotBooking.objects.get(user=ben)
    assert booking.state == "booked"
    click_through(page, page.get_by_role("button", name="Log out"))

    # Ada books for a neighbour, then checks Ben in at the door and records a walk-in.
    log_in("ada", PASSWORD, totp_secret=secret_of(ada))
    go(f"/g/crown/shifts/days/{distribution_day.pk}/")
    page.get_by_role("link", name="Book for a neighbour").first.click()
    page.get_by_label("Slot").select_option(index=1)
    page.locator("#id_name").fill("Rosa")
    page.get_by_label("Language for texts").select_option("es")
    page.get_by_role("button", name="Book", exact=True).click()
    expect(page.get_by_text("The neighbour has a place.")).to_be_visible()
    _fits(page)
    slot = page.locator(f"#slot-{booking.slot_id}")
    expect(slot.get_by_text("Rosa")).to_be_visible()
    slot.get_by_role("listitem").filter(has_text="Ben").get_by_role("button", name="Came").click()
    expect(page.get_by_text("Checked in:")).to_be_visible()
    slot = page.locator(f"#slot-{booking.slot_id}")
    expect(slot.get_by_text("2 of 2")).to_be_visible()  # Ben and Rosa: full, no walk-in form here
    first_slot = page.locator("section.card").first
    first_slot.get_by_label("Walk-in (name optional)").fill("Joe")
    first_slot.get_by_role("button", name="Record a walk-in").click()
    expect(page.get_by_text("Walk-in recorded.")).to_be_visible()
    shot("distribution-check-in")
    _fits(page)
    booking.refresh_from_db()
    assert booking.state == "checked_in"
    walk_ins = list(SlotBooking.objects.filter(state="walk_in"))
    assert [w.name for w in walk_ins] == ["Joe"]  # the name is sealed: compared once read back
    rosa = SlotBooking.objects.get(source="coordinator")
    assert (rosa.name, rosa.language, rosa.slot_id) == ("Rosa", "es", booking.slot_id)
    assert not [url for url in missing if "/static/" in url]
