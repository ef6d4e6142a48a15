"""A housing offer in a real browser at 390 px: a member offers a spare room, a coordinator proposes a
stay for a housing need, the host agrees, a SECOND coordinator confirms, and only then does the guest
see the address. No page scrolls sideways."""

from __future__ import annotations

import datetime
from typing import Any

from playwright.sync_api import expect

from tests.browser.pages import click_through, settled_width
from tests.conftest import PASSWORD
from tests.totp import secret_of


def test_host_offers_coordinator_proposes_second_confirms_guest_sees_address(
    page: Any, go: Any, shot: Any, log_in: Any, ada: Any, ida: Any, ben: Any, fay: Any, crown: Any
) -> None:
    from django.utils import timezone

    from mutualaid.housing.models import Offer, Stay
    from tests.housing.conftest import housing_need

    page.set_viewport_size({"width": 390, "height": 844})
    page.set_default_timeout(30_000)  # the shared machine can be slow; the flow, not the speed, is tested
    need = housing_need(crown, fay, title="Somewhere to sleep this week")

    def narrow() -> None:
        assert settled_width(page) <= 390

    # Ben offers his spare room.
    log_in("ben", PASSWORD)
    go("/g/crown/housing/")
    narrow()
    page.get_by_role("link", name="Offer a place to stay").click()
    page.get_by_label("Most nights at a time").fill("4")
    page.get_by_label("Exact address").fill("245 Kingston Ave, apt 3R")
    page.get_by_label("Who you can host").fill("One adult")
    page.get_by_label("Pets").fill("A cat lives here")
    narrow()
    shot("housing-offer")
    page.get_by_role("button", name="Offer").click()
    expect(page.get_by_text("Thank you. Only coordinators see your offer.")).to_be_visible()
    offer = Offer.objects.get()
    assert offer.address == "245 Kingston Ave, apt 3R"
    click_through(page, page.get_by_role("button", name="Log out"))

    # Ada proposes a three-night stay for Fay's need.
    log_in("ada", PASSWORD, totp_secret=secret_of(ada))
    go("/g/crown/housing/")
    page.locator(f"a[href$='/housing/offers/{offer.pk}/']").click()
    expect(page.get_by_text("A cat lives here")).to_be_visible()
    start = timezone.localdate() + datetime.timedelta(days=1)
    page.get_by_label("Housing need").select_option(str(need.pk))
    page.get_by_label("First night").fill(start.isoformat())
    page.get_by_label("Leaves on").fill((start + datetime.timedelta(days=3)).isoformat())
    narrow()
    shot("housing-propose")
    page.get_by_role("button", name="Propose").click()
    expect(page.get_by_text("Stay proposed.")).to_be_visible()
    expect(page.get_by_text("You proposed this stay: another coordinator confirms it.")).to_be_visible()
    stay = Stay.objects.get()
    click_through(page, page.get_by_role("button", name="Log out"))

    # Fay does not see the address yet.
    log_in("fay", PASSWORD)
    go(f"/g/crown/housing/stays/{stay.pk}/")
    expect(page.get_by_text("You will see the address once the stay is arranged.")).to_be_visible()
    assert page.get_by_text("245 Kingston Ave").count() == 0
    click_through(page, page.get_by_role("button", name="Log out"))

    # Ben agrees.
    log_in("ben", PASSWORD)
    go(f"/g/crown/housing/stays/{stay.pk}/")
    page.get_by_role("button", name="I agree to host").click()
    expect(page.get_by_text("The host has agreed.")).to_be_visible()
    click_through(page, page.get_by_role("button", name="Log out"))

    # Ida, a second coordinator, confirms.
    log_in("ida", PASSWORD, totp_secret=secret_of(ida))
    go(f"/g/crown/housing/stays/{stay.pk}/")
    click_through(page, page.get_by_role("button", name="Confirm the stay"))
    assert page.locator("#stay-state").inner_text() == "Arranged"
    narrow()
    shot("housing-confirmed")
    click_through(page, page.get_by_role("button", name="Log out"))
    stay.refresh_from_db()
    assert stay.state == "confirmed" and stay.confirmed_by_id == ida.pk and stay.proposed_by_id == ada.pk

    # Now Fay sees the address.
    log_in("fay", PASSWORD)
    go(f"/g/crown/housing/stays/{stay.pk}/")
    assert page.locator("#stay-address").inner_text() == "245 Kingston Ave, apt 3R"
    narrow()
    shot("housing-guest")
