"""Deliveries in a real browser at 390 px (plain forms, no script on these pages; issue 13, what a tester found): a stop the
server refuses keeps what was typed and the chosen need; re-planning a published run asks first, and the
drivers whose routes changed are told."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.pages import settled_width
from tests.conftest import PASSWORD
from tests.totp import secret_of

PHONE_390 = {"width": 390, "height": 844}


@pytest.fixture(autouse=True)
def _quick_plans(monkeypatch: pytest.MonkeyPatch) -> None:
    from mutualaid.deliveries import services

    monkeypatch.setattr(services, "PLAN_SECONDS", 0.3)


def test_refused_stop_keeps_input_and_published_replan_asks(
    page: Any, go: Any, log_in: Any, ada: Any, ben: Any, crown: Any
) -> None:
    from mutualaid.channels.models import Notice
    from mutualaid.deliveries import services
    from mutualaid.deliveries.models import Stop
    from mutualaid.members.models import Membership
    from tests.conftest import make_user
    from tests.deliveries.conftest import PLACES, make_need, make_run

    dan = make_user("dan")
    Membership.objects.create(user=dan, group=crown)
    run = make_run(crown, ada, dan, needs=3)
    depot = run.depots.get()
    services.driver_add(run=run, actor=ada, data=services.DriverInput(member=ada, capacity=10, depot=depot))
    services.run_plan(run=run, actor=ada)
    services.run_publish(run=run, actor=ada)
    spare = make_need(crown, ben, "Milk", PLACES[1])

    page.set_viewport_size(PHONE_390)
    page.set_default_timeout(60_000)  # planning runs in the live server: slow on a shared machine
    log_in("ada", PASSWORD, totp_secret=secret_of(ada))
    go(f"/g/crown/deliveries/{run.pk}/")

    # A window ending before it starts: refused, and what was typed is still there.
    page.get_by_label("Need to deliver").select_option(value=str(spare.pk))
    page.get_by_label("Window from").fill("14:00")
    page.get_by_label("Window until").fill("13:00")
    page.get_by_label("Door notes (sealed)").fill("Blue door")
    page.get_by_role("button", name="Add stop").click()
    expect(page.get_by_text("The window ends before it starts.")).to_be_visible()
    assert page.get_by_label("Need to deliver").input_value() == str(spare.pk)
    assert page.get_by_label("Door notes (sealed)").input_value() == "Blue door"
    assert page.get_by_label("Window from").input_value() == "14:00"
    assert not Stop.objects.filter(post=spare).exists()

    # Moving a stop of the published run: a page asks first, then both drivers are told.
    stop = Stop.objects.filter(run=run).exclude(driver=None).order_by("pk").first()
    target = run.drivers.exclude(pk=stop.driver_id).get()
    go(f"/g/crown/deliveries/{run.pk}/")
    page.locator(f"#move-{stop.pk}").select_option(value=str(target.pk))
    page.locator(f"#move-{stop.pk}").locator("xpath=..").get_by_role(
        "button", name="Move and re-plan"
    ).click()
    expect(page.get_by_role("heading", name="Re-plan a published run?")).to_be_visible()
    stop.refresh_from_db()
    assert stop.driver_id != target.pk  # nothing moved yet
    page.get_by_role("button", name="Re-plan and tell the drivers").click()
    expect(page.get_by_text("drivers whose routes changed were told")).to_be_visible()
    stop.refresh_from_db()
    assert stop.driver_id == target.pk
    assert Notice.objects.filter(kind="delivery_route_changed").count() == 2
    assert settled_width(page) <= 390
