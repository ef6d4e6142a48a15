"""Delivery pages: the coordinator's run page, the printable sheet, the driver's phone view, the API."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from mutualaid.deliveries import services
from mutualaid.deliveries.models import DeliveryRun, Stop
from tests.deliveries.conftest import make_run


@pytest.fixture
def dan(crown: Any) -> Any:
    from mutualaid.members.models import Membership
    from tests.conftest import make_user

    user = make_user("dan")
    Membership.objects.create(user=user, group=crown)
    return user


@pytest.fixture
def published(crown: Any, ada: Any, ben: Any, dan: Any) -> DeliveryRun:
    run = make_run(crown, ada, dan)
    services.run_plan(run=run, actor=ada)
    return services.run_publish(run=run, actor=ada)[0]


def test_run_page_shows_routes_without_addresses(client_for: Any, ada: Any, published: DeliveryRun) -> None:
    page = client_for(ada).get(reverse("deliveries_run", kwargs={"slug": "crown", "run_id": published.pk}))
    html = page.content.decode()
    assert page.status_code == 200
    assert "load 3/10" in html and "km" in html
    assert "street" not in html and "ring twice" not in html


def test_sheet_has_a_qr_code_and_no_address(client_for: Any, ada: Any, published: DeliveryRun) -> None:
    driver = published.drivers.get()
    page = client_for(ada).get(
        reverse("deliveries_sheet", kwargs={"slug": "crown", "run_id": published.pk, "driver_id": driver.pk})
    )
    html = page.content.decode()
    assert "<svg" in html and 'class="segno"' in html and "deliveries/sheet.css" in html
    assert "street" not in html and "style=" not in html
    assert html.count("<tr>") == 1 + 3


def test_driver_view_next_stop_first_with_address_today(
    client_for: Any, dan: Any, published: DeliveryRun
) -> None:
    url = reverse("deliveries_route", kwargs={"slug": "crown", "run_id": published.pk})
    html = client_for(dan).get(url).content.decode()
    first = Stop.objects.order_by("sequence").first()
    assert first is not None
    next_section = html.split('id="next"')[1].split("</section>")[0]
    assert first.post.address in next_section and first.door_note in next_section
    assert "<script>" not in html  # no inline script (htmx is an external file)


def test_driver_view_after_the_run_has_no_addresses(
    client_for: Any, dan: Any, published: DeliveryRun
) -> None:
    DeliveryRun.objects.filter(pk=published.pk).update(date=timezone.localdate() - timedelta(days=1))
    html = (
        client_for(dan)
        .get(reverse("deliveries_route", kwargs={"slug": "crown", "run_id": published.pk}))
        .content.decode()
    )
    assert "street" not in html and "ring twice" not in html
    assert "Delivered" not in html  # nothing to report on another day


def test_plan_errors_are_shown_clearly(client_for: Any, ada: Any, crown: Any) -> None:
    run = services.run_create(group=crown, actor=ada, day=timezone.localdate())
    client = client_for(ada)
    page = client.post(reverse("deliveries_plan", kwargs={"slug": "crown", "run_id": run.pk}), follow=True)
    html = page.content.decode()
    assert "Add a depot where routes start." in html and "Add at least one driver." in html


def test_api_plan_and_driver_status(api_for: Any, ada: Any, dan: Any, crown: Any, ben: Any) -> None:
    run = make_run(crown, ada, dan)
    base = f"/api/v1/groups/crown/deliveries/runs/{run.pk}"
    plan = api_for(ada).post(base + "/plan")
    assert plan.status_code == 200, plan.content
    body = plan.json()
    assert [s["sequence"] for s in body["routes"][0]["stops"]] == [1, 2, 3]
    assert api_for(ada).post(base + "/publish").json()["changed"] is True
    assert api_for(ada).post(base + "/publish").json()["changed"] is False
    route = api_for(dan).get(base + "/route").json()
    assert route["todo"][0]["address"].endswith("street 1")
    stop_id = route["todo"][0]["id"]
    done = api_for(dan).post(
        base + f"/stops/{stop_id}/status", {"outcome": "delivered"}, content_type="application/json"
    )
    assert done.status_code == 200 and done.json()["outcome"] == "delivered"


def test_sheet_as_pdf_is_rendered_on_request(client_for: Any, ada: Any, published: DeliveryRun) -> None:
    driver = published.drivers.get()
    page = client_for(ada).get(
        reverse(
            "deliveries_sheet_pdf", kwargs={"slug": "crown", "run_id": published.pk, "driver_id": driver.pk}
        )
    )
    assert page.status_code == 200 and page["Content-Type"] == "application/pdf"
    assert page.content.startswith(b"%PDF") and page["Cache-Control"] == "no-store"


def test_the_group_page_leads_to_deliveries(client_for: Any, ada: Any, ben: Any) -> None:
    """Coordinators reach the runs and every member their own routes from the group page, not by typing."""
    runs, mine = reverse("deliveries_runs", args=["crown"]), reverse("deliveries_mine", args=["crown"])
    coordinator = client_for(ada).get(reverse("group", args=["crown"])).content.decode()
    member = client_for(ben).get(reverse("group", args=["crown"])).content.decode()
    assert f'href="{runs}"' in coordinator and f'href="{mine}"' in coordinator
    assert f'href="{runs}"' not in member and f'href="{mine}"' in member
    assert client_for(ben).get(mine).status_code == 200


def test_driver_view_says_pick_up_or_bring_for_every_stop(
    client_for: Any, crown: Any, ada: Any, ben: Any, dan: Any
) -> None:
    # The walk-through: the stops after the next one showed a bare number ("09:21 · Wingate · 6"), so a
    # driver could not tell a pickup from a delivery before reaching it.
    from tests.deliveries.conftest import PLACES
    from tests.deliveries.test_extensions import make_offer

    run = make_run(crown, ada, dan, needs=2)
    services.stop_add(run=run, actor=ada, post=make_offer(crown, ben, "Bread", PLACES[3], quantity=3))
    services.run_plan(run=run, actor=ada)
    services.run_publish(run=run, actor=ada)
    html = client_for(dan).get(reverse("deliveries_route", kwargs={"slug": "crown", "run_id": run.pk}))
    text = html.content.decode()
    assert (
        text.count("Pick up 3 units") == 1 and text.count("Bring 1 unit<") + text.count("Bring 1 unit ") == 2
    )
