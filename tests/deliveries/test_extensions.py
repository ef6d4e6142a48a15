"""Pickups from offers, the run's longest leg, road travel times, exact-point routing, "on the way"
notices and the group's number for drivers, the demo run: services, pages and API."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from mutualaid.core.models import SensitiveRead
from mutualaid.deliveries import routing, selectors, services
from mutualaid.deliveries.models import DeliveryRun, Stop
from mutualaid.exchange import services as board
from mutualaid.exchange.models import Post
from tests.deliveries.conftest import PLACES, make_need, make_run


@pytest.fixture
def dan(crown: Any) -> Any:
    from mutualaid.members.models import Membership
    from tests.conftest import make_user

    user = make_user("dan")
    Membership.objects.create(user=user, group=crown)
    return user


def make_offer(group: Any, author: Any, title: str, place: dict[str, float], quantity: int) -> Post:
    return board.post_create(
        group=group,
        author=author,
        data=board.PostInput(
            kind="offer", category="food", title=title, quantity=quantity, address=f"{title} lane 9", **place
        ),
    )


# --- pickups from offers -------------------------------------------------------------------------


def test_an_offer_becomes_a_pickup_that_shares_the_load(crown: Any, ada: Any, ben: Any, dan: Any) -> None:
    run = make_run(crown, ada, dan, needs=2, capacity=4)  # 2 units to deliver
    offer = make_offer(crown, ben, "Bread", PLACES[3], quantity=3)
    services.stop_add(run=run, actor=ada, post=offer)
    obj = services.run_instance(run)
    pickup = next(s for s in obj["stops"] if s["id"] == f"s{Stop.objects.get(post=offer).pk}")
    assert pickup["demand"] == 0 and pickup["pickup"] == 3
    run = services.run_plan(run=run, actor=ada)
    stops = list(run.stops.order_by("sequence"))
    assert all(s.driver is not None for s in stops)
    # 2 delivered + 3 picked up > 4: the pickup must come after at least one delivery.
    order = [s.post_id for s in stops]
    assert order.index(offer.pk) >= 1
    (route,) = run.plan_stats["routes"].values()
    assert route["load"] == 2 and route["picked_up"] == 3
    assert selectors.run_view(run).routes[0].picked_up == 3


def test_a_picked_up_offer_is_fulfilled(crown: Any, ada: Any, ben: Any, dan: Any) -> None:
    run = make_run(crown, ada, dan, needs=0)
    offer = make_offer(crown, ben, "Bread", PLACES[1], quantity=2)
    services.stop_add(run=run, actor=ada, post=offer)
    services.run_plan(run=run, actor=ada)
    services.run_publish(run=run, actor=ada)
    services.stop_report(stop=run.stops.get(), user=dan, outcome="delivered")
    assert Post.objects.get(pk=offer.pk).status == "fulfilled"


def test_a_pickup_too_big_for_every_vehicle_is_explained(crown: Any, ada: Any, ben: Any, dan: Any) -> None:
    run = make_run(crown, ada, dan, needs=1, capacity=2)
    offer = make_offer(crown, ben, "Sofa", PLACES[2], quantity=5)
    services.stop_add(run=run, actor=ada, post=offer)
    services.run_plan(run=run, actor=ada)
    stop = Stop.objects.get(post=offer)
    assert stop.driver is None and stop.unrouted_reason == routing.explain.PICKUP_OVER_CAPACITY
    assert (
        services.reason_text(stop.unrouted_reason) == "the pickup is more than any driver's vehicle carries"
    )


# --- longest leg ---------------------------------------------------------------------------------


def test_the_runs_longest_leg_leaves_a_lonely_stop_unrouted(crown: Any, ada: Any, ben: Any, dan: Any) -> None:
    run = make_run(crown, ada, dan, needs=1)
    far = make_need(crown, ben, "Far", {"lat": 40.75, "lon": -73.94})
    services.stop_add(run=run, actor=ada, post=far)
    run = services.run_settings(run=run, actor=ada, exact_routing=False, max_leg_min=8, relay_phone="")
    obj = services.run_instance(run)
    assert {s.get("max_leg_min") for s in obj["stops"]} == {8}
    services.run_plan(run=run, actor=ada)
    stop = Stop.objects.get(post=far)
    assert stop.driver is None and stop.unrouted_reason == routing.explain.LEG_TOO_LONG
    assert Stop.objects.exclude(post=far).get().driver is not None


def test_run_settings_are_checked(crown: Any, ada: Any, ben: Any, dan: Any) -> None:
    run = make_run(crown, ada, dan, needs=0)
    with pytest.raises(ValidationError) as error:
        services.run_settings(run=run, actor=ada, exact_routing=False, max_leg_min=0, relay_phone="call me")
    assert set(error.value.message_dict) == {"max_leg_min", "relay_phone"}
    with pytest.raises(PermissionDenied):
        services.run_settings(run=run, actor=ben, exact_routing=True, max_leg_min=None, relay_phone="")
    run = services.run_settings(
        run=run, actor=ada, exact_routing=True, max_leg_min=10, relay_phone="+1 555-010 0200"
    )
    assert (run.exact_routing, run.max_leg_min, run.relay_phone) == (True, 10, "+15550100200")


# --- exact-point routing ---------------------------------------------------------------------------


def test_exact_points_only_when_the_coordinator_chose_them_and_each_read_is_audited(
    crown: Any, ada: Any, ben: Any, dan: Any
) -> None:
    run = make_run(crown, ada, dan, needs=0)
    post = make_need(crown, ben, "Soup", PLACES[0])
    with pytest.raises(ValidationError) as error:
        services.stop_add(run=run, actor=ada, post=post, exact_point="north of the park")
    assert "exact_point" in error.value.message_dict
    stop = services.stop_add(run=run, actor=ada, post=post, exact_point="40.671234, -73.944876")
    coarse = services.run_instance(run, reader=ada)["stops"][0]
    assert (coarse["lat"], coarse["lon"]) == (post.lat, post.lon) != (40.671234, -73.944876)
    assert not SensitiveRead.objects.exists()
    services.run_settings(run=run, actor=ada, exact_routing=True, max_leg_min=None, relay_phone="")
    run.refresh_from_db()
    exact = services.run_instance(run, reader=ada)["stops"][0]
    assert (exact["lat"], exact["lon"]) == (40.671234, -73.944876)
    read = SensitiveRead.objects.get()
    assert (read.reader, read.subject_type, read.subject_id, read.fields) == (
        ada,
        "deliveries.stop",
        stop.pk,
        "exact_point",
    )
    # A depot's exact point too, when it has one.
    with pytest.raises(ValidationError):
        services.depot_add(run=run, actor=ada, name="Pantry", lat=40.66, lon=-73.95, exact_point="here")
    depot = services.depot_add(
        run=run, actor=ada, name="Pantry", lat=40.66, lon=-73.95, exact_point="40.669412, -73.942233"
    )
    obj = services.run_instance(run, reader=ada)
    assert {"id": f"d{depot.pk}", "lat": 40.669412, "lon": -73.942233} in obj["depots"]
    assert (
        SensitiveRead.objects.filter(subject_type="deliveries.depot", subject_id=depot.pk, reader=ada).count()
        == 1
    )
    # Sealed at rest: the database row holds no digits of the point.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT exact_point FROM deliveries_stop WHERE id = %s", [stop.pk])
        (raw,) = cursor.fetchone()
    assert "40.67" not in str(raw)


# --- road travel times from an OSRM server -------------------------------------------------------


class _Osrm(BaseHTTPRequestHandler):
    calls: list[str] = []

    def do_GET(self) -> None:
        type(self).calls.append(self.path)
        from urllib.parse import parse_qs, urlsplit

        query = parse_qs(urlsplit(self.path).query)
        rows = len(query["sources"][0].split(";"))
        cols = len(query["destinations"][0].split(";"))
        body = json.dumps(
            {"code": "Ok", "durations": [[120.0] * cols] * rows, "distances": [[1000.0] * cols] * rows}
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def osrm() -> Iterator[str]:
    _Osrm.calls = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Osrm)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_configured_road_server_gives_the_travel_times(
    settings: Any, osrm: str, crown: Any, ada: Any, ben: Any, dan: Any
) -> None:
    settings.MUTUALAID_ROUTING_URL = osrm
    run = services.run_plan(run=make_run(crown, ada, dan), actor=ada)
    assert run.plan_stats["matrix"] == "road" and _Osrm.calls
    # Every leg is 1000 m on the stand-in's roads: depot, three stops, depot.
    assert run.plan_stats["distance_m"] == 4000
    # Only coordinates were sent: no address, name or note.
    sent = " ".join(_Osrm.calls)
    assert "street" not in sent and "Hub" not in sent and "ring" not in sent


def test_a_configured_valhalla_server_gives_the_travel_times(
    settings: Any, crown: Any, ada: Any, ben: Any, dan: Any
) -> None:
    from tests.deliveries.test_routing_valhalla import _Valhalla, serve_valhalla

    with serve_valhalla() as url:
        settings.MUTUALAID_ROUTING_URL = url
        settings.MUTUALAID_ROUTING_KIND = "valhalla"
        run = services.run_plan(run=make_run(crown, ada, dan), actor=ada)
        assert run.plan_stats["matrix"] == "road"
        (call,) = _Valhalla.calls  # depot and three stops: one block
        assert call["path"] == "/sources_to_targets" and len(call["body"]["sources"]) == 4
        sent = json.dumps(call["body"])
        assert "street" not in sent and "Hub" not in sent and "ring" not in sent
        # The OSRM client at the same server finds no table service: the estimate, and why.
        settings.MUTUALAID_ROUTING_KIND = "osrm"
        run = services.run_plan(run=run, actor=ada)
        assert run.plan_stats["matrix"].startswith("haversine (road server refused the request")
        settings.MUTUALAID_ROUTING_KIND = "graphhopper"
        run = services.run_plan(run=run, actor=ada)
        assert run.plan_stats["matrix"] == "haversine (unknown MUTUALAID_ROUTING_KIND 'graphhopper')"
        assert all(s.driver_id for s in run.stops.all())


def test_without_a_road_server_the_estimate_is_used(
    settings: Any, crown: Any, ada: Any, ben: Any, dan: Any
) -> None:
    settings.MUTUALAID_ROUTING_URL = ""
    run = services.run_plan(run=make_run(crown, ada, dan), actor=ada)
    assert run.plan_stats["matrix"] == "haversine"
    settings.MUTUALAID_ROUTING_URL = "http://127.0.0.1:9/"  # nothing listens on the discard port
    run = services.run_plan(run=run, actor=ada)
    assert run.plan_stats["matrix"].startswith("haversine (road server unreachable")
    assert all(s.driver_id for s in run.stops.all())


def test_exact_points_never_go_to_a_road_server_on_another_machine(
    settings: Any, osrm: str, crown: Any, ada: Any, ben: Any, dan: Any
) -> None:
    run = make_run(crown, ada, dan, needs=0)
    services.stop_add(
        run=run, actor=ada, post=make_need(crown, ben, "Soup", PLACES[0]), exact_point="40.6712, -73.9448"
    )
    run = services.run_settings(run=run, actor=ada, exact_routing=True, max_leg_min=None, relay_phone="")
    settings.MUTUALAID_ROUTING_URL = "https://osrm.example.org"
    assert services.road_travel(run) is None
    settings.MUTUALAID_ROUTING_URL = osrm  # this machine: allowed
    assert services.road_travel(run) is not None
    run = services.run_settings(run=run, actor=ada, exact_routing=False, max_leg_min=None, relay_phone="")
    settings.MUTUALAID_ROUTING_URL = "https://osrm.example.org"  # coarse cells may go there
    assert services.road_travel(run) is not None


# --- "on the way" and the group's number -------------------------------------------------------------


def _published(crown: Any, ada: Any, dan: Any, **kw: Any) -> DeliveryRun:
    run = make_run(crown, ada, dan, **kw)
    services.run_settings(
        run=run, actor=ada, exact_routing=False, max_leg_min=None, relay_phone="+1 555 010 0200"
    )
    services.run_plan(run=run, actor=ada)
    return services.run_publish(run=run, actor=ada)[0]


def test_on_my_way_tells_the_recipient_once(
    crown: Any, ada: Any, ben: Any, dan: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from mutualaid.channels.models import Notice

    run = _published(crown, ada, dan, needs=2)
    first = run.stops.order_by("sequence").first()
    assert first is not None
    with pytest.raises(PermissionDenied):
        services.stop_start(stop=first, user=ben)
    with django_capture_on_commit_callbacks(execute=True):
        stop, changed = services.stop_start(stop=first, user=dan)
    assert changed and stop.started_at is not None
    (notice,) = Notice.objects.filter(user=ben, kind="delivery_on_the_way")
    assert "dan" not in notice.context.lower()
    with django_capture_on_commit_callbacks(execute=True):
        _stop, changed = services.stop_start(stop=first, user=dan)
    assert not changed and Notice.objects.filter(kind="delivery_on_the_way").count() == 1
    services.stop_report(stop=first, user=dan, outcome="delivered")
    with pytest.raises(ValidationError):
        services.stop_start(stop=first, user=dan)


def test_the_driver_calls_through_the_groups_number(
    client_for: Any, crown: Any, ada: Any, ben: Any, dan: Any
) -> None:
    run = _published(crown, ada, dan, needs=2)
    first = run.stops.order_by("sequence").first()
    assert first is not None
    todo, _done = selectors.driver_route(run, selectors.driver_of(run, dan), dan)
    assert todo[0].call == f"tel:+15550100200,,{first.pk}"
    assert todo[0].text == f"sms:+15550100200?body=Stop%20{first.pk}%3A%20"
    url = reverse("deliveries_route", kwargs={"slug": "crown", "run_id": run.pk})
    html = client_for(dan).get(url).content.decode()
    assert f'href="tel:+15550100200,,{first.pk}"' in html and 'id="on-my-way"' in html
    start = reverse("deliveries_start", kwargs={"slug": "crown", "run_id": run.pk, "stop_id": first.pk})
    assert client_for(ben).post(start).status_code == 404
    assert client_for(dan).post(start).status_code == 302
    first.refresh_from_db()
    assert first.started_at is not None
    html = client_for(dan).get(url).content.decode()
    assert 'id="on-my-way"' not in html


def test_settings_page_and_api(
    client_for: Any, api_for: Any, crown: Any, ada: Any, ben: Any, dan: Any
) -> None:
    run = make_run(crown, ada, dan, needs=1)
    url = reverse("deliveries_settings", kwargs={"slug": "crown", "run_id": run.pk})
    page = client_for(ada).post(
        url, {"exact_routing": "on", "max_leg_min": "12", "relay_phone": "+1 555 010 0200"}
    )
    assert page.status_code == 302
    run.refresh_from_db()
    assert run.exact_routing and run.max_leg_min == 12 and run.relay_phone == "+15550100200"
    assert client_for(ben).post(url, {"max_leg_min": "5"}).status_code == 403
    answer = api_for(ada).post(
        f"/api/v1/groups/crown/deliveries/runs/{run.pk}/settings",
        data={"exact_routing": False, "max_leg_min": None, "relay_phone": ""},
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["exact_routing"] is False and answer.json()["max_leg_min"] is None
    bad = api_for(ada).post(
        f"/api/v1/groups/crown/deliveries/runs/{run.pk}/settings",
        data={"relay_phone": "not a number"},
        content_type="application/json",
    )
    assert bad.status_code == 422 and "relay_phone" in bad.content.decode()
    page = client_for(ada).get(reverse("deliveries_run", kwargs={"slug": "crown", "run_id": run.pk}))
    assert 'id="run-settings"' in page.content.decode()


def test_api_offer_pickup_and_start(api_for: Any, crown: Any, ada: Any, ben: Any, dan: Any) -> None:
    run = make_run(crown, ada, dan, needs=1)
    offer = make_offer(crown, ben, "Bread", PLACES[1], quantity=1)
    answer = api_for(ada).post(
        f"/api/v1/groups/crown/deliveries/runs/{run.pk}/stops",
        data={"post_id": offer.pk, "exact_point": "40.66, -73.95"},
        content_type="application/json",
    )
    assert answer.status_code == 201 and answer.json()["pickup"] is True
    services.run_plan(run=run, actor=ada)
    services.run_publish(run=run, actor=ada)
    stop = run.stops.order_by("sequence").first()
    assert stop is not None
    path = f"/api/v1/groups/crown/deliveries/runs/{run.pk}/stops/{stop.pk}/start"
    assert api_for(ben).post(path).status_code == 404
    first = api_for(dan).post(path)
    assert first.status_code == 200 and first.json()["changed"] is True
    assert api_for(dan).post(path).json()["changed"] is False
    route = api_for(dan).get(f"/api/v1/groups/crown/deliveries/runs/{run.pk}/route").json()
    assert route["todo"][0]["started_at"] is not None and route["todo"][0]["call"] == ""


# --- demo ----------------------------------------------------------------------------------------


def test_the_demo_has_a_published_run_with_a_pickup(db: Any) -> None:
    from mutualaid.demo import load_demo

    load_demo()
    run = DeliveryRun.objects.get(group__slug="crown-heights")
    assert run.status == DeliveryRun.Status.PUBLISHED and run.relay_phone
    stops = list(run.stops.select_related("post"))
    assert len(stops) == 6 and sum(s.is_pickup for s in stops) == 1
    assert all(s.driver_id or s.unrouted_reason for s in stops)
    assert sum(1 for s in stops if s.driver_id) >= 5
    load_demo()  # loading again adds nothing
    assert DeliveryRun.objects.filter(group__slug="crown-heights").count() == 1


def test_exact_points_are_blanked_once_the_runs_day_is_over(crown: Any, ada: Any, ben: Any, dan: Any) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from mutualaid.core.retention import purge_expired
    from mutualaid.deliveries.models import Depot

    past = make_run(crown, ada, dan, needs=0)
    today = make_run(crown, ada, dan, needs=0)
    for run in (past, today):
        services.depot_add(
            run=run, actor=ada, name="Pantry", lat=40.66, lon=-73.95, exact_point="40.66, -73.95"
        )
        services.stop_add(
            run=run,
            actor=ada,
            post=make_need(crown, ben, f"Soup {run.pk}", PLACES[0]),
            exact_point="40.67, -73.94",
        )
    DeliveryRun.objects.filter(pk=past.pk).update(date=timezone.localdate() - timedelta(days=1))
    result = purge_expired()
    assert result["exact points of past delivery runs"] == 1
    assert result["exact points of past delivery depots"] == 1
    assert [s.exact_point for s in Stop.objects.filter(run=past)] == [""]
    assert [s.exact_point for s in Stop.objects.filter(run=today)] == ["40.67, -73.94"]
    assert sorted(d.exact_point or "" for d in Depot.objects.filter(run=past)) == ["", ""]
    assert sorted(d.exact_point or "" for d in Depot.objects.filter(run=today)) == ["", "40.66, -73.95"]


@pytest.mark.parametrize("threads", [1, 2])
def test_the_operator_sets_the_planner_s_searches_at_once(
    settings: Any, monkeypatch: pytest.MonkeyPatch, crown: Any, ada: Any, ben: Any, dan: Any, threads: int
) -> None:
    settings.MUTUALAID_ROUTE_THREADS = threads
    asked: list[int | None] = []
    solve = routing.plan

    def recorded(*args: Any, **kwargs: Any) -> Any:
        asked.append(kwargs.get("threads"))
        return solve(*args, **kwargs)

    monkeypatch.setattr(routing, "plan", recorded)
    run = services.run_plan(run=make_run(crown, ada, dan), actor=ada)
    assert asked == [threads] and all(s.driver_id for s in run.stops.all())
