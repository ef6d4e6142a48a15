"""A skill-share in a real browser at 390 px: a plain member proposes a repair café on her phone, a
coordinator approves it, another member takes a seat, and once the session has started the teacher
records who came."""

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


def test_propose_approve_join_and_record_attendance(
    page: Any, go: Any, shot: Any, log_in: Any, ada: Any, ben: Any, fay: Any, crown: Any
) -> None:
    from mutualaid.shifts.models import Occurrence, Series, Signup

    page.set_viewport_size({"width": 390, "height": 844})
    page.set_default_timeout(30_000)
    missing: list[str] = []
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    day = timezone.localdate() + datetime.timedelta(days=3)

    # Fay, a plain member, proposes a session she will teach.
    log_in("fay", PASSWORD)
    go("/g/crown/")
    page.get_by_role("link", name="Skill-shares").first.click()
    page.get_by_role("link", name="Teach a skill-share").click()
    _fits(page)
    page.get_by_label("What you will teach").fill("Repair café")
    page.get_by_label("About the session").fill("Bring a broken lamp")
    page.get_by_label("Place (hub or neighbourhood)").fill("Library basement")
    page.get_by_label("Exact address").fill("5 Elm St, back door")
    page.locator("#id_starts_on").fill(day.isoformat())
    page.get_by_label("Starts at").fill("14:00")
    page.get_by_label("Seats").fill("1")
    page.get_by_role("button", name="Propose the session").click()
    expect(page.get_by_text("Thank you: a coordinator will look at your proposal.")).to_be_visible()
    series = Series.objects.get(kind="skillshare")
    assert not series.approved and series.lead_id == fay.pk
    click_through(page, page.get_by_role("button", name="Log out"))

    # Ada approves it.
    log_in("ada", PASSWORD, totp_secret=secret_of(ada))
    go("/g/crown/shifts/skillshares/")
    expect(page.get_by_text("Proposals to approve")).to_be_visible()
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("The skill-share is approved.")).to_be_visible()
    click_through(page, page.get_by_role("button", name="Log out"))

    # Ben takes the only seat; the address shows once he has it.
    log_in("ben", PASSWORD)
    go("/g/crown/shifts/skillshares/")
    _fits(page)
    expect(page.get_by_text("1 seat left")).to_be_visible()
    assert page.get_by_text("5 Elm St").count() == 0
    shot("skillshares-list")
    page.get_by_role("button", name="Join").click()
    expect(page.get_by_text("You have a seat. See you there!")).to_be_visible()
    expect(page.get_by_text("0 seats left")).to_be_visible()
    expect(page.get_by_text("5 Elm St, back door")).to_be_visible()
    _fits(page)
    shot("skillshares-seat")
    signup = Signup.objects.get(user=ben)
    assert signup.state == "confirmed"
    click_through(page, page.get_by_role("button", name="Log out"))

    # The session starts; Fay records who came.
    started = timezone.now() - datetime.timedelta(minutes=30)
    Occurrence.objects.filter(pk=signup.occurrence_id).update(
        starts_at=started, ends_at=started + datetime.timedelta(hours=2)
    )
    log_in("fay", PASSWORD)
    go("/g/crown/shifts/skillshares/")
    expect(page.get_by_text("Sessions you taught: who came?")).to_be_visible()
    page.get_by_role("link", name="Repair café").first.click()
    _fits(page)
    page.get_by_label("Ben").check()
    page.get_by_role("button", name="Record").click()
    expect(page.get_by_text("Attendance was recorded.")).to_be_visible()
    shot("skillshares-attendance")
    signup.refresh_from_db()
    assert signup.attended is True
    assert not [url for url in missing if "/static/" in url]
