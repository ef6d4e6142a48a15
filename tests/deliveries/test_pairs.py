"""A pickup delivered to one named household ("deliver this pickup to that stop"): service, page, API."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from mutualaid.deliveries import services
from mutualaid.deliveries.models import Stop
from tests.deliveries.conftest import PLACES, make_run
from tests.deliveries.test_extensions import make_offer


@pytest.fixture
def dan(crown: Any) -> Any:
    from mutualaid.members.models import Membership
    from tests.conftest import make_user

    user = make_user("dan")
    Membership.objects.create(user=user, group=crown)
    return user


def paired_run(crown: Any, ada: Any, ben: Any, dan: Any, **kwargs: Any) -> tuple[Any, Stop, Stop]:
    run = make_run(crown, ada, dan, needs=2, **kwargs)
    offer = make_offer(crown, ben, "A spare bed", PLACES[3], quantity=4)
    pickup = services.stop_add(run=run, actor=ada, post=offer)
    target = run.stops.exclude(pk=pickup.pk).order_by("pk").first()
    assert target is not None
    return run, pickup, target


def test_the_pickup_goes_to_its_household_first_on_one_route(
    crown: Any, ada: Any, ben: Any, dan: Any
) -> None:
    run, pickup, target = paired_run(crown, ada, ben, dan, capacity=5)
    services.stop_pair(stop=pickup, actor=ada, target=target)
    obj = services.run_instance(run)
    stops = {s["id"]: s for s in obj["stops"]}
    assert stops[f"s{pickup.pk}"]["deliver_to"] == f"s{target.pk}"
    assert stops[f"s{target.pk}"]["demand"] == 0  # the household gets the bed, not its own quantity
    run = services.run_plan(run=run, actor=ada)
    pickup.refresh_from_db()
    target.refresh_from_db()
    assert pickup.driver_id == target.driver_id is not None
    assert pickup.sequence < target.sequence
    # 1 unit from the depot (the other need), then 4 picked up: never more than 5 aboard.
    (route,) = run.plan_stats["routes"].values()
    assert route["load"] == 1 and route["picked_up"] == 4
    services.stop_pair(stop=pickup, actor=ada, target=None)
    obj = services.run_instance(run)
    stops = {s["id"]: s for s in obj["stops"]}
    assert "deliver_to" not in stops[f"s{pickup.pk}"] and stops[f"s{target.pk}"]["demand"] == 1


def test_pairs_are_refused_with_a_reason(crown: Any, ada: Any, ben: Any, dan: Any) -> None:
    run, pickup, target = paired_run(crown, ada, ben, dan)
    other = run.stops.exclude(pk__in=[pickup.pk, target.pk]).get()
    with pytest.raises(ValidationError, match="Only a pickup"):
        services.stop_pair(stop=target, actor=ada, target=other)
    second = services.stop_add(
        run=run, actor=ada, post=make_offer(crown, ben, "Chairs", PLACES[2], quantity=1)
    )
    with pytest.raises(ValidationError, match="not another pickup"):
        services.stop_pair(stop=pickup, actor=ada, target=second)
    services.stop_pair(stop=pickup, actor=ada, target=target)
    with pytest.raises(ValidationError, match=f"Stop {pickup.pk} already brings"):
        services.stop_pair(stop=second, actor=ada, target=target)
    with pytest.raises(PermissionDenied):
        services.stop_pair(stop=second, actor=ben, target=other)
    assert Stop.objects.get(pk=second.pk).deliver_to_id is None


def test_a_pair_that_cannot_be_done_in_order_is_explained(crown: Any, ada: Any, ben: Any, dan: Any) -> None:
    run, pickup, target = paired_run(crown, ada, ben, dan)
    noon = timezone.now().replace(hour=12, minute=0, second=0, microsecond=0)
    Stop.objects.filter(pk=target.pk).update(
        window_start=noon - timedelta(hours=3), window_end=noon - timedelta(hours=2)
    )
    Stop.objects.filter(pk=pickup.pk).update(
        window_start=noon + timedelta(hours=2), window_end=noon + timedelta(hours=3)
    )
    services.stop_pair(stop=pickup, actor=ada, target=target)
    services.run_plan(run=run, actor=ada)
    pickup.refresh_from_db()
    target.refresh_from_db()
    assert pickup.driver_id is None and target.driver_id is None
    assert services.reason_text(pickup.unrouted_reason).startswith("no driver can pick it up and then reach")
    assert services.reason_text(target.unrouted_reason) == (
        "the pickup or the household it is paired with cannot be routed"
    )


def test_run_page_and_api(client_for: Any, api_for: Any, crown: Any, ada: Any, ben: Any, dan: Any) -> None:
    run, pickup, target = paired_run(crown, ada, ben, dan)
    kw = {"slug": "crown", "run_id": run.pk}
    page = client_for(ada).get(reverse("deliveries_run", kwargs=kw)).content.decode()
    assert f'id="pair-{pickup.pk}"' in page and f'<option value="{target.pk}">' in page
    url = reverse("deliveries_stop_pair", kwargs={**kw, "stop_id": pickup.pk})
    assert client_for(ben).post(url, {"deliver_to": target.pk}).status_code == 403
    answer = client_for(ada).post(url, {"deliver_to": target.pk}, follow=True)
    assert "Paired; re-plan to route them together." in answer.content.decode()
    assert Stop.objects.get(pk=pickup.pk).deliver_to_id == target.pk
    page = client_for(ada).get(reverse("deliveries_run", kwargs=kw)).content.decode()
    assert f'<option value="{target.pk}" selected>' in page
    assert client_for(ada).post(url, {"deliver_to": "999999"}).status_code == 404
    api = f"/api/v1/groups/crown/deliveries/runs/{run.pk}/stops/{pickup.pk}/pair"
    answer = api_for(ada).post(api, data={"deliver_to_id": None}, content_type="application/json")
    assert answer.status_code == 200, answer.content
    assert answer.json()["deliver_to_id"] is None and answer.json()["pickup"] is True
    bad = api_for(ada).post(
        f"/api/v1/groups/crown/deliveries/runs/{run.pk}/stops/{target.pk}/pair",
        data={"deliver_to_id": pickup.pk},
        content_type="application/json",
    )
    assert bad.status_code == 422 and "Only a pickup" in bad.content.decode()
    answer = api_for(ada).post(api, data={"deliver_to_id": target.pk}, content_type="application/json")
    assert answer.json()["deliver_to_id"] == target.pk
    plan = api_for(ada).post(f"/api/v1/groups/crown/deliveries/runs/{run.pk}/plan")
    stops = {s["id"]: s for r in plan.json()["routes"] for s in r["stops"]}
    assert stops[pickup.pk]["sequence"] < stops[target.pk]["sequence"]
    assert stops[pickup.pk]["driver_id"] == stops[target.pk]["driver_id"]
