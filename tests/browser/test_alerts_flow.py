"""A raid report in a real browser at 390 px: a member reports it, two verifiers check it (the first
says "I'm going" and confirms, the second confirms), the alert is queued for the responder of the area
with its progress on the report page, the responder finds it in their notices, and the all-clear
closes it. No page scrolls sideways."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.pages import click_through, settled_width
from tests.conftest import PASSWORD
from tests.totp import secret_of


def test_report_verify_broadcast_all_clear(
    page: Any, go: Any, shot: Any, log_in: Any, ada: Any, ida: Any, ben: Any, fay: Any, crown: Any
) -> None:
    from mutualaid.defense import services
    from mutualaid.defense.models import Report

    page.set_viewport_size({"width": 390, "height": 844})
    page.set_default_timeout(30_000)  # the shared machine can be slow; the flow, not the speed, is tested
    missing: list[str] = []
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    services.verifier_grant(group=crown, user=ada, actor=ada)
    services.verifier_grant(group=crown, user=ida, actor=ada)
    services.responder_save(group=crown, user=ben, area="11216", radius_km=2, by_sms=False, by_email=False)

    def narrow() -> None:
        assert settled_width(page) <= 390

    # Fay reports what she sees.
    log_in("fay", PASSWORD)
    go("/g/crown/alerts/")
    narrow()
    page.get_by_role("link", name="Report what you see").click()
    page.get_by_label("Immigration raid").check()
    page.get_by_label("What do you see?").fill("Two unmarked vans, four agents at a door")
    page.get_by_label("Neighbourhood").fill("11216")
    page.get_by_label("Cross streets or landmark").fill("Nostrand and Fulton")
    page.get_by_label("Since when?").fill("10 minutes")
    narrow()
    shot("alerts-report")
    page.get_by_role("button", name="Send to the verifiers").click()
    expect(page.get_by_text("Your report went to the group's verifiers")).to_be_visible()
    click_through(page, page.get_by_role("button", name="Log out"))
    report = Report.objects.get()

    # Ada goes, confirms; nothing is sent yet.
    log_in("ada", PASSWORD, totp_secret=secret_of(ada))
    go("/g/crown/alerts/")
    page.get_by_role("link", name="Reports to verify").click()
    page.locator(f"a[href$='/alerts/verify/{report.pk}/']").click()
    expect(page.get_by_text("Nostrand and Fulton")).to_be_visible()  # waits for the page the click opened
    expect(page.get_by_text("(@fay)")).to_be_visible()
    page.get_by_role("button", name="I'm going").click()
    expect(page.get_by_text("You are going.")).to_be_visible()
    page.get_by_label("What you saw").fill("Two vans, agents knocking")
    narrow()
    shot("alerts-verify")
    page.get_by_role("button", name="I saw it: confirm").click()
    expect(page.get_by_text("Another verifier must confirm before the alert is sent.")).to_be_visible()
    click_through(page, page.get_by_role("button", name="Log out"))

    # Ida confirms: the alert is queued for Ben, and the progress shows on the report page.
    log_in("ida", PASSWORD, totp_secret=secret_of(ida))
    go(f"/g/crown/alerts/verify/{report.pk}/")
    page.get_by_label("What you saw").fill("Saw them too")
    page.get_by_label("I have evidence (photo or video)").check()
    page.get_by_role("button", name="I saw it: confirm").click()
    expect(page.get_by_text("The alert is on its way to the responders.")).to_be_visible()
    expect(page.get_by_text("1 responder, 0 of 0 messages sent")).to_be_visible()
    narrow()
    shot("alerts-sent")
    click_through(page, page.get_by_role("button", name="Log out"))

    # Ben, a responder of the area, finds the verified alert.
    log_in("ben", PASSWORD)
    go("/me/notices/")
    expect(page.get_by_text("Verified alert: immigration enforcement near").first).to_be_visible()
    go("/g/crown/alerts/")
    expect(page.get_by_role("link", name="Immigration raid").first).to_be_visible()
    click_through(page, page.get_by_role("button", name="Log out"))

    # Ada sends the all-clear.
    log_in("ada", PASSWORD, totp_secret=secret_of(ada))
    go(f"/g/crown/alerts/verify/{report.pk}/")
    page.get_by_role("button", name="Send the all-clear").click()
    expect(page.get_by_text("The all-clear is on its way to the same people.")).to_be_visible()
    expect(page.get_by_text("All-clear sent")).to_be_visible()
    narrow()
    shot("alerts-all-clear")
    report.refresh_from_db()
    assert report.state == "cleared"
    go("/rights/crown/")
    expect(page.get_by_role("heading", name="Know your rights")).to_be_visible()
    narrow()
    assert not [url for url in missing if "/favicon" not in url], missing
