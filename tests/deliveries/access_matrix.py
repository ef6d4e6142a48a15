"""Access rows for deliveries: coordinators' run pages and API, the driver's own route and reports."""

from __future__ import annotations

from typing import Any

from tests.access import Route, World, crown_slug

PLACE = {"lat": 40.6712, "lon": -73.9448}


def build(world: World) -> None:
    from django.utils import timezone

    from mutualaid.deliveries import services
    from mutualaid.exchange import services as board

    services.PLAN_SECONDS = 0.1  # a matrix walk plans once per world; quality is not what is checked
    ben, ada = world.users["ben"], world.users["ada"]

    def need(title: str) -> Any:
        return board.post_create(
            group=world.crown,
            author=ada,
            data=board.PostInput(kind="need", category="food", title=title, address="5 Elm St", **PLACE),
        )

    run = services.run_create(group=world.crown, actor=ada, day=timezone.localdate())
    depot = services.depot_add(run=run, actor=ada, name="Hub", lat=40.6694, lon=-73.9422)
    driver = services.driver_add(
        run=run, actor=ada, data=services.DriverInput(member=ben, capacity=10, depot=depot)
    )
    stop = services.stop_add(run=run, actor=ada, post=need("Delivered groceries"))
    start_stop = services.stop_add(run=run, actor=ada, post=need("Groceries on the way"))
    pair_target = services.stop_add(run=run, actor=ada, post=need("A bed for this household"))
    offer = board.post_create(
        group=world.crown,
        author=ada,
        data=board.PostInput(
            kind="offer", category="disaster", title="A spare bed", address="9 Oak St", **PLACE
        ),
    )
    pickup_stop = services.stop_add(run=run, actor=ada, post=offer)
    services.run_plan(run=run, actor=ada)
    services.run_publish(run=run, actor=ada)
    world.objects.update(
        {
            "run": run,
            "depot": depot,
            "driver": driver,
            "stop": stop,
            "start_stop": start_stop,
            "pair_target": pair_target,
            "pickup_stop": pickup_stop,
            "spare_need": need("Spare groceries"),
        }
    )


def run_kw(w: World) -> dict[str, Any]:
    return {"slug": w.crown.slug, "run_id": w.run.pk}


def stop_kw(w: World) -> dict[str, Any]:
    return {**run_kw(w), "stop_id": w.stop.pk}


def pickup_kw(w: World) -> dict[str, Any]:
    return {**run_kw(w), "stop_id": w.pickup_stop.pk}


def edit_kw(w: World) -> dict[str, Any]:
    return {**run_kw(w), "stop_id": w.pair_target.pk}  # a stop nobody reports on in the walk


def start_kw(w: World) -> dict[str, Any]:
    return {**run_kw(w), "stop_id": w.start_stop.pk}


COORDINATOR = "login 404 404 403 ok"
MEMBER = "login 404 404 ok ok"
DRIVER = "login 404 404 ok 404"  # ben drives; ada coordinates but has no route
API_COORDINATOR = "401 404 404 403 ok"
API_DRIVER = "401 404 404 ok 404"

ROUTES = [
    Route("deliveries_runs", COORDINATOR, kwargs=crown_slug),
    Route(
        "deliveries_runs",
        COORDINATOR,
        method="POST",
        variant="create",
        kwargs=crown_slug,
        data=lambda w: {"date": "2026-12-24"},
    ),
    Route("deliveries_mine", MEMBER, kwargs=crown_slug),
    Route("deliveries_run", COORDINATOR, kwargs=run_kw),
    Route(
        "deliveries_depot_add",
        COORDINATOR,
        method="POST",
        kwargs=run_kw,
        data=lambda w: {"name": "Pantry", "lat": "40.67", "lon": "-73.94"},
    ),
    Route(
        "deliveries_driver_add",
        COORDINATOR,
        method="POST",
        kwargs=run_kw,
        data=lambda w: {"member": w.users["ada"].pk, "capacity": "5", "depot": w.depot.pk},
    ),
    Route(
        "deliveries_stop_add",
        COORDINATOR,
        method="POST",
        kwargs=run_kw,
        data=lambda w: {"post": w.spare_need.pk, "service_min": "5"},
    ),
    Route(
        "deliveries_settings",
        COORDINATOR,
        method="POST",
        kwargs=run_kw,
        data=lambda w: {"max_leg_min": "30", "relay_phone": "+15550100200"},
    ),
    Route("deliveries_plan", COORDINATOR, method="POST", kwargs=run_kw, data=lambda w: {"confirm": "1"}),
    Route("deliveries_publish", COORDINATOR, method="POST", kwargs=run_kw),
    Route(
        "deliveries_stop_move",
        COORDINATOR,
        method="POST",
        kwargs=stop_kw,
        data=lambda w: {"driver": w.driver.pk, "confirm": "1"},
    ),
    Route(
        "deliveries_stop_pair",
        COORDINATOR,
        method="POST",
        kwargs=pickup_kw,
        data=lambda w: {"deliver_to": w.pair_target.pk},
    ),
    Route("deliveries_sheet", MEMBER, kwargs=lambda w: {**run_kw(w), "driver_id": w.driver.pk}),
    Route("deliveries_sheet_pdf", MEMBER, kwargs=lambda w: {**run_kw(w), "driver_id": w.driver.pk}),
    Route("deliveries_route", DRIVER, kwargs=run_kw),
    Route(
        "deliveries_report",
        DRIVER,
        method="POST",
        kwargs=stop_kw,
        data=lambda w: {"outcome": "nobody_home"},
    ),
    Route("api:deliveries_runs_list", API_COORDINATOR, api=True, kwargs=crown_slug),
    Route(
        "api:deliveries_run_create",
        API_COORDINATOR,
        method="POST",
        api=True,
        kwargs=crown_slug,
        data=lambda w: {"date": "2026-12-24"},
    ),
    Route("api:deliveries_run_get", API_COORDINATOR, api=True, kwargs=run_kw),
    Route(
        "api:deliveries_depot_add",
        API_COORDINATOR,
        method="POST",
        api=True,
        kwargs=run_kw,
        data=lambda w: {"name": "Pantry", "lat": 40.67, "lon": -73.94},
    ),
    Route(
        "api:deliveries_driver_add",
        API_COORDINATOR,
        method="POST",
        api=True,
        kwargs=run_kw,
        data=lambda w: {"member_id": w.users["ada"].pk, "capacity": 5, "depot_id": w.depot.pk},
    ),
    Route(
        "api:deliveries_stop_add",
        API_COORDINATOR,
        method="POST",
        api=True,
        kwargs=run_kw,
        data=lambda w: {"post_id": w.spare_need.pk},
    ),
    # The run is published: a re-plan without ?confirm=true is refused once access is granted (422);
    # the confirmed re-plan is tested in test_consent_and_replan.py.
    Route("api:deliveries_run_plan", "401 404 404 403 422", method="POST", api=True, kwargs=run_kw),
    Route("api:deliveries_run_publish", API_COORDINATOR, method="POST", api=True, kwargs=run_kw),
    Route(
        "api:deliveries_stop_move",
        API_COORDINATOR,
        method="POST",
        api=True,
        kwargs=stop_kw,
        data=lambda w: {"driver_id": w.driver.pk, "confirm": True},
    ),
    Route(
        "api:deliveries_stop_pair",
        API_COORDINATOR,
        method="POST",
        api=True,
        kwargs=pickup_kw,
        data=lambda w: {"deliver_to_id": w.pair_target.pk},
    ),
    Route(
        "api:deliveries_run_settings",
        API_COORDINATOR,
        method="POST",
        api=True,
        kwargs=run_kw,
        data=lambda w: {"max_leg_min": 30, "relay_phone": "+15550100200"},
    ),
    Route("deliveries_stop_edit", COORDINATOR, kwargs=edit_kw),
    Route(
        "deliveries_stop_edit",
        COORDINATOR,
        method="POST",
        kwargs=edit_kw,
        data=lambda w: {"quantity": "2", "service_min": "4", "text_on_way": "no"},
    ),
    Route(
        "api:deliveries_stop_edit",
        API_COORDINATOR,
        method="PATCH",
        api=True,
        kwargs=edit_kw,
        data=lambda w: {"quantity": 3, "service_min": 6},
    ),
    Route("deliveries_start", DRIVER, method="POST", kwargs=start_kw),
    Route("api:deliveries_stop_start", API_DRIVER, method="POST", api=True, kwargs=start_kw),
    Route("api:deliveries_driver_route", API_DRIVER, api=True, kwargs=run_kw),
    Route(
        "api:deliveries_stop_status",
        API_DRIVER,
        method="POST",
        api=True,
        kwargs=stop_kw,
        data=lambda w: {"outcome": "nobody_home"},
    ),
]
