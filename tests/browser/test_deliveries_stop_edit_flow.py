"""Changing a stop after it was added, in a real browser at 390 px without script (issue 13): a refused change
keeps what was typed; a saved one on a published run tells the stop's driver."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.pages import settled_width
from tests.browser.test_deliveries_replan_flow import PHONE_390
from tests.conftest import PASSWORD
from tests.totp import secret_of


@pytest.fixture(autouse=True)
def _quick_plans(monkeypatch: pytest.MonkeyPatch) -> None:
    from mutualaid.deliveries import services

    monkeypatch.setattr(services, "PLAN_SECONDS", 0.3)


def test_a_coordinator_changes_a_published_stop(
    page: Any, go: Any, log_in: Any, ada: Any, ben: Any, crown: Any
) -> None:
    from mutualaid.channels.models import Notice
    from mutualaid.deliveries import services
    from mutualaid.deliveries.models import Stop
    from mutualaid.members.models import Membership
    from tests.conftest import make_user
    from tests.deliveries.conftest import make_run

    dan = make_user("dan")
    Membership.objects.create(user=dan, group=crown)
    run = make_run(crown, ada, dan, needs=2)
    services.run_plan(run=run, actor=ada)
    services.run_publish(run=run, actor=ada)
    stop = Stop.objects.filter(run=run).exclude(driver=None).order_by("pk").first()
    assert stop is not None

    page.set_viewport_size(PHONE_390)
    page.set_default_timeout(60_000)
    log_in("ada", PASSWORD, totp_secret=secret_of(ada))
    go(f"/g/crown/deliveries/{run.pk}/")
    page.locator(f'a[href="/g/crown/deliveries/{run.pk}/stops/{stop.pk}/edit/"]').first.click()
    expect(page.get_by_role("heading", name=f"Change stop {stop.pk}")).to_be_visible()
    expect(page.get_by_text("This stop has door notes.")).to_be_visible()
    assert "ring twice" not in page.content()  # sealed: never shown back

    # A window ending before it starts: refused, and what was typed is still there.
    page.get_by_label("Quantity").fill("4")
    page.get_by_label("Window from").fill("14:00")
    page.get_by_label("Window until").fill("13:00")
    page.get_by_role("button", name="Save stop").click()
    expect(page.get_by_text("The window ends before it starts.")).to_be_visible()
    assert page.get_by_label("Quantity").input_value() == "4"
    assert page.get_by_label("Window from").input_value() == "14:00"
    assert settled_width(page) <= 390

    page.get_by_label("Window until").fill("16:00")
    page.get_by_role("button", name="Save stop").click()
    expect(page.get_by_text("its driver was told")).to_be_visible()
    stop.refresh_from_db()
    assert stop.quantity == 4 and stop.window_end is not None
    assert Notice.objects.filter(kind="delivery_stop_changed", user=dan).count() == 1


def test_a_coordinator_corrects_a_stops_exact_point(
    page: Any, go: Any, log_in: Any, ada: Any, ben: Any, crown: Any
) -> None:
    from mutualaid.deliveries.models import Stop, StopPointChange
    from mutualaid.members.models import Membership
    from tests.conftest import make_user
    from tests.deliveries.conftest import make_run

    dan = make_user("dan")
    Membership.objects.create(user=dan, group=crown)
    run = make_run(crown, ada, dan, needs=1)
    stop = Stop.objects.get(run=run)
    edit = f"/g/crown/deliveries/{run.pk}/stops/{stop.pk}/edit/"

    page.set_viewport_size(PHONE_390)
    page.set_default_timeout(60_000)
    log_in("ada", PASSWORD, totp_secret=secret_of(ada))
    go(edit)
    expect(page.get_by_text("This stop has no exact map point")).to_be_visible()
    page.get_by_label("Correct exact map point").fill("40.6712 -73.9448")
    page.get_by_role("button", name="Save stop").click()
    expect(page.get_by_text("Give the map point as latitude, longitude")).to_be_visible()
    assert page.get_by_label("Correct exact map point").input_value() == "40.6712 -73.9448"
    assert settled_width(page) <= 390

    page.get_by_label("Correct exact map point").fill("40.6712, -73.9448")
    page.get_by_role("button", name="Save stop").click()
    expect(page.get_by_text("Stop saved.")).to_be_visible()
    go(edit)
    expect(page.get_by_text("This stop has an exact map point.")).to_be_visible()
    expect(page.get_by_text("Exact map point set by")).to_be_visible()
    assert "40.6712" not in page.content()  # sealed: never shown back
    assert settled_width(page) <= 390
    stop.refresh_from_db()
    assert stop.exact_point == "40.6712, -73.9448"
    assert StopPointChange.objects.filter(stop=stop, by=ada, removed=False).count() == 1
