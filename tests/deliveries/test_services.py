"""Delivery runs: plan through the routing engine, move, publish once, report outcomes, reveal on the day."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from mutualaid.core.models import SensitiveRead
from mutualaid.deliveries import selectors, services
from mutualaid.deliveries.models import DeliveryRun, Stop
from mutualaid.exchange.models import Post
from tests.deliveries.conftest import PLACES, make_need, make_run


@pytest.fixture
def dan(crown: Any) -> Any:
    from mutualaid.members.models import Membership
    from tests.conftest import make_user

    user = make_user("dan")
    Membership.objects.create(user=user, group=crown)
    return user


def test_plan_routes_every_stop_with_order_and_eta(crown: Any, ada: Any, ben: Any, dan: Any) -> None:
    run = make_run(crown, ada, dan)
    run = services.run_plan(run=run, actor=ada)
    assert run.status == DeliveryRun.Status.PLANNED
    stops = list(run.stops.order_by("sequence"))
    assert [s.sequence for s in stops] == [1, 2, 3]
    assert all(s.driver is not None and s.driver.member == dan and s.eta is not None for s in stops)
    assert run.plan_stats["distance_m"] > 0
    view = selectors.run_view(run)
    assert view.routes[0].load == 3 and not view.unrouted


def test_the_solver_sees_coordinates_only(crown: Any, ada: Any, ben: Any, dan: Any) -> None:
    run = make_run(crown, ada, dan)
    text = str(services.run_instance(run))
    assert "street" not in text and "Hub Road" not in text and "ring twice" not in text and "dan" not in text


def test_unroutable_stop_is_explained(crown: Any, ada: Any, ben: Any, dan: Any) -> None:
    run = make_run(crown, ada, dan, needs=1, capacity=2)
    big = make_need(crown, ben, "Furniture", PLACES[2], quantity=5)
    services.stop_add(run=run, actor=ada, post=big)
    services.run_plan(run=run, actor=ada)
    stop = Stop.objects.get(run=run, post=big)
    assert stop.driver is None
    assert stop.unrouted_reason == "demand exceeds every vehicle's capacity"
    (row,) = selectors.run_view(run).unrouted
    assert row[1] == "more than any driver's vehicle carries"


def test_clear_errors_for_a_run_that_cannot_be_planned(crown: Any, ada: Any, ben: Any) -> None:
    run = services.run_create(group=crown, actor=ada, day=timezone.localdate())
    nowhere = make_need(crown, ben, "Somewhere", {})
    services.stop_add(run=run, actor=ada, post=nowhere)
    with pytest.raises(ValidationError) as caught:
        services.run_plan(run=run, actor=ada)
    text = " ".join(caught.value.messages)
    assert "depot" in text and "driver" in text and f"#{nowhere.pk}" in text


def test_window_that_ends_before_it_starts_is_refused(crown: Any, ada: Any, ben: Any, dan: Any) -> None:
    run = make_run(crown, ada, dan, needs=0)
    post = make_need(crown, ben, "Soup", PLACES[0])
    now = timezone.now()
    with pytest.raises(ValidationError):
        services.stop_add(
            run=run, actor=ada, post=post, window_start=now, window_end=now - timedelta(hours=1)
        )


def test_members_cannot_plan(crown: Any, ada: Any, ben: Any, dan: Any) -> None:
    run = make_run(crown, ada, dan)
    with pytest.raises(PermissionDenied):
        services.run_plan(run=run, actor=ben)


def test_move_locks_the_stop_to_the_new_driver(crown: Any, ada: Any, ben: Any, dan: Any) -> None:
    run = make_run(crown, ada, dan, needs=4)
    depot = run.depots.get()
    other = services.driver_add(
        run=run, actor=ada, data=services.DriverInput(member=ada, capacity=10, depot=depot)
    )
    services.run_plan(run=run, actor=ada)
    stop = run.stops.order_by("id").first()
    assert stop is not None and stop.driver is not None
    target = other if stop.driver != other else run.drivers.exclude(pk=other.pk).get()
    services.stop_move(stop=stop, actor=ada, driver=target)
    stop.refresh_from_db()
    assert stop.driver == target and stop.locked_to == target
    services.run_plan(run=run, actor=ada)
    stop.refresh_from_db()
    assert stop.driver == target


def test_publishing_twice_publishes_once(crown: Any, ada: Any, ben: Any, dan: Any) -> None:
    run = make_run(crown, ada, dan)
    with pytest.raises(ValidationError):
        services.run_publish(run=run, actor=ada)
    services.run_plan(run=run, actor=ada)
    run, changed = services.run_publish(run=run, actor=ada)
    first = run.published_at
    again, changed_again = services.run_publish(run=run, actor=ada)
    assert changed and not changed_again and again.published_at == first


def _published(crown: Any, ada: Any, dan: Any, **kw: Any) -> DeliveryRun:
    run = make_run(crown, ada, dan, **kw)
    services.run_plan(run=run, actor=ada)
    return services.run_publish(run=run, actor=ada)[0]


def test_driver_sees_exact_address_today_and_each_reveal_is_audited(
    crown: Any, ada: Any, ben: Any, dan: Any
) -> None:
    run = _published(crown, ada, dan)
    driver = selectors.driver_of(run, dan)
    todo, done = selectors.driver_route(run, driver, dan)
    assert [t.stop.sequence for t in todo] == [1, 2, 3] and done == []
    assert all(t.address and t.address.endswith("street 1") for t in todo)
    assert (
        SensitiveRead.objects.filter(reader=dan, subject_type="exchange.post", group_id=crown.pk).count() == 3
    )


def test_no_address_on_another_day(crown: Any, ada: Any, ben: Any, dan: Any) -> None:
    run = _published(crown, ada, dan)
    DeliveryRun.objects.filter(pk=run.pk).update(date=timezone.localdate() - timedelta(days=1))
    run.refresh_from_db()
    todo, _done = selectors.driver_route(run, selectors.driver_of(run, dan), dan)
    assert all(t.address is None and t.door_note is None for t in todo)
    assert not SensitiveRead.objects.exists()


def test_delivered_fulfils_the_need_and_nobody_home_reopens_it(
    crown: Any, ada: Any, ben: Any, dan: Any
) -> None:
    run = _published(crown, ada, dan)
    first, second, third = run.stops.order_by("sequence")
    services.stop_report(stop=first, user=dan, outcome="delivered")
    assert Post.objects.get(pk=first.post_id).status == "fulfilled"
    services.stop_report(stop=second, user=dan, outcome="nobody_home")
    assert Post.objects.get(pk=second.post_id).status == "open"
    with pytest.raises(ValidationError):
        services.stop_report(stop=third, user=dan, outcome="failed")
    services.stop_report(stop=third, user=dan, outcome="failed", note="Road closed")
    third.refresh_from_db()
    assert third.outcome == "failed" and third.outcome_note == "Road closed"
    with pytest.raises(ValidationError):
        services.stop_report(stop=first, user=dan, outcome="delivered")


def test_a_claimed_need_is_fulfilled_too(crown: Any, ada: Any, ben: Any, dan: Any) -> None:
    from mutualaid.exchange import services as board

    run = make_run(crown, ada, dan, needs=0)
    post = make_need(crown, ben, "Diapers", PLACES[1])
    board.claim_create(post=post, claimant=dan)
    services.stop_add(run=run, actor=ada, post=post)
    services.run_plan(run=run, actor=ada)
    services.run_publish(run=run, actor=ada)
    services.stop_report(stop=run.stops.get(), user=dan, outcome="delivered")
    assert Post.objects.get(pk=post.pk).status == "fulfilled"


def test_only_the_assigned_driver_reports(crown: Any, ada: Any, ben: Any, dan: Any) -> None:
    run = _published(crown, ada, dan)
    with pytest.raises(PermissionDenied):
        services.stop_report(stop=run.stops.first(), user=ben, outcome="delivered")


def test_a_plan_without_hours_or_windows_promises_no_time(
    crown: Any, ada: Any, ben: Any, dan: Any, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """No driver's hours and no window: the planner has no clock, so the stops keep their order and no
    time ("00:02" read as a time of day was the bug); the recipient is told the driver set out."""
    from mutualaid.channels.models import Notice

    run = make_run(crown, ada, dan, hours=False)
    run = services.run_publish(run=services.run_plan(run=run, actor=ada), actor=ada)[0]
    stops = list(run.stops.order_by("sequence"))
    assert [s.sequence for s in stops] == [1, 2, 3] and all(s.eta is None for s in stops)
    route = client_for(dan).get(reverse("deliveries_route", kwargs={"slug": "crown", "run_id": run.pk}))
    page = route.content.decode()
    assert route.status_code == 200 and "00:0" not in page and "Next stop</h2>" in page
    assert (
        "00:0"
        not in client_for(ada)
        .get(reverse("deliveries_run", kwargs={"slug": "crown", "run_id": run.pk}))
        .content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.stop_start(stop=stops[0], user=dan)
    (notice,) = Notice.objects.filter(user=ben, kind__startswith="delivery_")
    assert notice.kind == "delivery_setting_out"
