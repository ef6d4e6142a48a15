"""Deliveries in a real browser at 390 px: a coordinator sets up and plans a run (two needs and a pickup
from an offer) with the group's number and publishes it; the driver sets out ("On my way": the recipient
is told), sees the call link through the group's number, marks stops on the phone view (no JavaScript
needed), and the needs and the offer move to fulfilled / open."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.pages import click_through, settled_width
from tests.conftest import PASSWORD
from tests.totp import secret_of

PHONE_390 = {"width": 390, "height": 844}


@pytest.fixture(autouse=True)
def _quick_plans(monkeypatch: pytest.MonkeyPatch) -> None:
    from mutualaid.deliveries import services

    monkeypatch.setattr(services, "PLAN_SECONDS", 0.3)


def test_plan_publish_deliver(
    browser: Any, page: Any, go: Any, shot: Any, log_in: Any, ada: Any, ben: Any, crown: Any
) -> None:
    from django.utils import timezone

    from mutualaid.deliveries.models import Stop
    from mutualaid.exchange import services as board
    from mutualaid.exchange.models import Post
    from mutualaid.members.models import Membership
    from tests.conftest import make_user

    dan = make_user("dan")
    Membership.objects.create(user=dan, group=crown)
    places = [(40.6712, -73.9448), (40.6650, -73.9500)]
    needs = [
        board.post_create(
            group=crown,
            author=ben,
            data=board.PostInput(
                kind="need",
                category="food",
                title=f"Groceries {k}",
                lat=lat,
                lon=lon,
                address=f"{k} Secret St",
            ),
        )
        for k, (lat, lon) in enumerate(places)
    ]
    offer = board.post_create(
        group=crown,
        author=ben,
        data=board.PostInput(
            kind="offer", category="food", title="Bread", lat=40.668, lon=-73.947, address="Bakery"
        ),
    )

    page.set_viewport_size(PHONE_390)
    log_in("ada", PASSWORD, totp_secret=secret_of(ada))
    go("/g/crown/deliveries/")
    page.locator("#id_date").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="New delivery run").click()
    page.get_by_label("Name (hub, pantry…)").fill("Hub")
    page.locator("#id_lat").fill("40.6694")
    page.locator("#id_lon").fill("-73.9422")
    page.get_by_role("button", name="Add depot").click()
    expect(page.get_by_text("Depot added.")).to_be_visible()
    page.get_by_label("Member").select_option(value=str(dan.pk))
    page.get_by_label("Vehicle capacity (units)").fill("10")
    page.get_by_role("button", name="Add driver").click()
    expect(page.get_by_text("Driver added.")).to_be_visible()
    for need in [*needs, offer]:
        page.get_by_label("Need to deliver").select_option(value=str(need.pk))
        page.get_by_role("button", name="Add stop").click()
        expect(page.get_by_text("Stop added.")).to_be_visible()
    # "Deliver this pickup to that stop": the bread goes to the first household, by the same driver.
    pickup_stop, household = Stop.objects.get(post=offer), Stop.objects.get(post=needs[0])
    page.get_by_label("Deliver to").select_option(value=str(household.pk))
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Paired; re-plan to route them together.")).to_be_visible()
    page.get_by_label("The group's phone number drivers call or text about a stop").fill("+1 555 010 0200")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Saved; re-plan to use them.")).to_be_visible()
    page.get_by_role("button", name="Plan routes").click()
    expect(page.get_by_text("Planned.")).to_be_visible()
    assert page.get_by_text("Secret St").count() == 0  # the coordinator's page shows areas only
    assert page.get_by_text("pickup", exact=True).count() == 1
    pickup_stop.refresh_from_db()
    household.refresh_from_db()
    assert pickup_stop.driver_id == household.driver_id and pickup_stop.sequence < household.sequence
    shot("deliveries-plan-390")
    page.get_by_role("button", name="Publish to drivers").click()
    expect(page.get_by_text("Published to the drivers.")).to_be_visible()
    assert settled_width(page) <= 390

    context = browser.new_context(viewport=PHONE_390, locale="en-US", java_script_enabled=False)
    phone = context.new_page()
    base = page.base_url
    phone.goto(base + "/accounts/login/")
    phone.get_by_label("Username").fill("dan")
    phone.get_by_label("Password").fill(PASSWORD)
    click_through(phone, phone.get_by_role("button", name="Log in"))
    phone.goto(base + "/g/crown/deliveries/mine/")
    phone.get_by_role("link", name=timezone.localdate().strftime("%a")).first.click()
    first, second, third = Stop.objects.order_by("sequence")
    expect(phone.locator("#next").get_by_text(first.post.address)).to_be_visible()
    call = phone.locator("#call")
    assert call.get_attribute("href") == f"tel:+15550100200,,{first.pk}"
    phone.locator("#next").get_by_role("button", name="On my way").click()
    expect(phone.get_by_text("On your way: the recipient is told.")).to_be_visible()
    expect(phone.get_by_text("The recipient knows you are on the way.")).to_be_visible()
    shot("deliveries-published-390")
    label = "Picked up" if first.post.kind == "offer" else "Delivered"
    phone.locator("#next").get_by_role("button", name=label).click()
    expect(phone.get_by_text("Saved.")).to_be_visible()
    expect(phone.locator("#next").get_by_text(second.post.address)).to_be_visible()
    phone.locator("#next").get_by_role("button", name="Nobody home").click()
    expect(phone.locator("#next").get_by_text(third.post.address)).to_be_visible()
    label = "Picked up" if third.post.kind == "offer" else "Delivered"
    phone.locator("#next").get_by_role("button", name=label).click()
    expect(phone.get_by_text("All stops are done. Thank you!")).to_be_visible()
    assert settled_width(phone) <= 390
    context.close()

    from mutualaid.channels.models import Notice

    assert Post.objects.get(pk=first.post_id).status == "fulfilled"
    assert Post.objects.get(pk=second.post_id).status == "open"
    assert Post.objects.get(pk=third.post_id).status == "fulfilled"
    assert sorted(Stop.objects.values_list("outcome", flat=True)) == ["delivered", "delivered", "nobody_home"]
    assert Notice.objects.filter(user=ben, kind="delivery_setting_out").count() == 1
