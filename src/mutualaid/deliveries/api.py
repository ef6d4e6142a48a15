"""Deliveries through /api/v1: the same access helpers, services and selectors as the pages."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal, cast

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from mutualaid.core.api_types import DbId
from mutualaid.deliveries import access, selectors, services
from mutualaid.deliveries.models import DeliveryRun, Depot, Driver, Stop
from mutualaid.groups.access import get_group_for_coordinator
from mutualaid.members.models import Membership, User


def _me(request: HttpRequest) -> User:
    """The signed-in member (login_required / the API auth guarantee one)."""
    return cast(User, request.user)


router = Router(tags=["deliveries"])


class RunIn(Schema):
    date: date


class RunOut(Schema):
    id: int
    date: date
    status: str
    planned_at: datetime | None
    published_at: datetime | None
    distance_m: int | None
    exact_routing: bool
    max_leg_min: int | None
    travel_times: str  # "haversine", "road", or why the road server was not used
    # After the last re-plan of a published run: how many drivers whose routes changed were told.
    drivers_told: int | None


def _run(run: DeliveryRun) -> RunOut:
    return RunOut(
        id=run.pk,
        date=run.date,
        status=run.status,
        planned_at=run.planned_at,
        published_at=run.published_at,
        distance_m=run.plan_stats.get("distance_m"),
        exact_routing=run.exact_routing,
        max_leg_min=run.max_leg_min,
        travel_times=str(run.plan_stats.get("matrix", "")),
        drivers_told=run.plan_stats.get("told"),
    )


class StopOut(Schema):
    id: int
    post_id: int
    area: str
    quantity: int
    service_min: int
    window_start: datetime | None
    window_end: datetime | None
    driver_id: int | None
    sequence: int
    eta: datetime | None
    locked_to_id: int | None
    outcome: str
    unrouted_reason: str
    pickup: bool  # a stop at an offer: its goods are picked up and carried to the end depot
    deliver_to_id: int | None  # a pickup's goods go to this stop instead (same route, pickup first)
    started_at: datetime | None  # when the driver set out toward it
    text_on_way: bool  # the neighbour without an account agreed to a text when the driver sets out
    texted_at: datetime | None  # when that text was queued (once per stop)
    # Whether a coordinator set the door's exact map point (sealed; the point itself is never sent back).
    has_exact_point: bool


def _stop(s: Stop) -> StopOut:
    return StopOut(
        id=s.pk,
        has_exact_point=bool(s.exact_point),
        post_id=s.post_id,
        pickup=s.is_pickup,
        deliver_to_id=s.deliver_to_id,
        started_at=s.started_at,
        text_on_way=s.text_on_way,
        texted_at=s.texted_at,
        area=s.post.area,
        quantity=s.quantity,
        service_min=s.service_min,
        window_start=s.window_start,
        window_end=s.window_end,
        driver_id=s.driver_id,
        sequence=s.sequence,
        eta=s.eta,
        locked_to_id=s.locked_to_id,
        outcome=s.outcome,
        unrouted_reason=services.reason_text(s.unrouted_reason) if s.unrouted_reason else "",
    )


class RouteOut(Schema):
    driver_id: int
    member_id: int
    capacity: int
    load: int
    picked_up: int  # goods picked up on the way (pickups from offers)
    distance_m: int
    duration_s: int
    stops: list[StopOut]


class PlanOut(Schema):
    run: RunOut
    routes: list[RouteOut]
    unrouted: list[StopOut]
    unplanned: list[StopOut]


def _plan(run: DeliveryRun) -> PlanOut:
    view = selectors.run_view(run)
    return PlanOut(
        run=_run(run),
        routes=[
            RouteOut(
                driver_id=r.driver.pk,
                member_id=r.driver.member_id,
                capacity=r.driver.capacity,
                load=r.load,
                picked_up=r.picked_up,
                distance_m=r.distance_m,
                duration_s=r.duration_s,
                stops=[_stop(s) for s in r.stops],
            )
            for r in view.routes
        ],
        unrouted=[_stop(s) for s, _why in view.unrouted],
        unplanned=[_stop(s) for s in view.unplanned],
    )


@router.get("/groups/{slug}/deliveries/runs", response=list[RunOut], summary="Delivery runs (coordinators)")
def deliveries_runs_list(request: HttpRequest, slug: str) -> list[RunOut]:
    group, _m = get_group_for_coordinator(_me(request), slug)
    return [_run(r) for r in selectors.runs_of(group)]


@router.post(
    "/groups/{slug}/deliveries/runs", response={201: RunOut}, summary="Start a delivery run (coordinators)"
)
def deliveries_run_create(request: HttpRequest, slug: str, payload: RunIn) -> Status[RunOut]:
    group, _m = get_group_for_coordinator(_me(request), slug)
    run = services.run_create(group=group, actor=_me(request), day=payload.date)
    return Status(201, _run(run))


@router.get(
    "/groups/{slug}/deliveries/runs/{run_id}",
    response=PlanOut,
    summary="A run's plan: routes with ordered stops, ETAs, loads and metres; unroutable stops with reasons",
)
def deliveries_run_get(request: HttpRequest, slug: str, run_id: int) -> PlanOut:
    group, _m = get_group_for_coordinator(_me(request), slug)
    return _plan(selectors.run_of(group, run_id))


class DepotIn(Schema):
    name: str = Field(min_length=1, max_length=60)
    area: str = Field("", max_length=100)
    lat: float | None = None
    lon: float | None = None
    address: str = Field("", max_length=300)
    exact_point: str = Field("", max_length=60)  # "lat, lon"; sealed; used only with exact routing


class DepotOut(Schema):
    id: int
    name: str
    area: str


@router.post(
    "/groups/{slug}/deliveries/runs/{run_id}/depots", response={201: DepotOut}, summary="Add a depot"
)
def deliveries_depot_add(request: HttpRequest, slug: str, run_id: int, payload: DepotIn) -> Status[DepotOut]:
    group, _m = get_group_for_coordinator(_me(request), slug)
    run = selectors.run_of(group, run_id)
    depot = services.depot_add(run=run, actor=_me(request), **payload.dict())
    return Status(201, DepotOut(id=depot.pk, name=depot.name or "", area=depot.area))


class DriverIn(Schema):
    member_id: DbId
    capacity: int = Field(ge=1, le=100_000)
    depot_id: DbId
    end_depot_id: DbId | None = None
    shift_start: datetime | None = None
    shift_end: datetime | None = None
    max_duration_min: int | None = Field(None, ge=10, le=24 * 60)


class DriverOut(Schema):
    id: int
    member_id: int
    capacity: int


@router.post(
    "/groups/{slug}/deliveries/runs/{run_id}/drivers", response={201: DriverOut}, summary="Add a driver"
)
def deliveries_driver_add(
    request: HttpRequest, slug: str, run_id: int, payload: DriverIn
) -> Status[DriverOut]:
    group, _m = get_group_for_coordinator(_me(request), slug)
    run = selectors.run_of(group, run_id)
    membership = (
        Membership.objects.filter(group=group, user_id=payload.member_id).select_related("user").first()
    )
    depot = Depot.objects.filter(run=run, pk=payload.depot_id).first()
    end = Depot.objects.filter(run=run, pk=payload.end_depot_id).first() if payload.end_depot_id else None
    if membership is None or depot is None or (payload.end_depot_id and end is None):
        raise Http404
    driver = services.driver_add(
        run=run,
        actor=_me(request),
        data=services.DriverInput(
            member=membership.user,
            capacity=payload.capacity,
            depot=depot,
            end_depot=end,
            shift_start=payload.shift_start,
            shift_end=payload.shift_end,
            max_duration_min=payload.max_duration_min,
        ),
    )
    return Status(201, DriverOut(id=driver.pk, member_id=driver.member_id, capacity=driver.capacity))


class StopIn(Schema):
    post_id: DbId
    quantity: int | None = Field(None, ge=0, le=100_000)
    service_min: int = Field(5, ge=0, le=240)
    window_start: datetime | None = None
    window_end: datetime | None = None
    door_note: str = Field("", max_length=500)
    exact_point: str = Field("", max_length=60)  # "lat, lon"; sealed; used only with exact routing
    # The neighbour (no account) agreed to a text from the group's number when the driver sets out;
    # null (or left out): what they answered when they texted the need in (no answer: no text).
    text_on_way: bool | None = None


@router.post(
    "/groups/{slug}/deliveries/runs/{run_id}/stops",
    response={201: StopOut},
    summary="Add a need (a delivery) or an offer (a pickup) as a stop",
)
def deliveries_stop_add(request: HttpRequest, slug: str, run_id: int, payload: StopIn) -> Status[StopOut]:
    group, _m = get_group_for_coordinator(_me(request), slug)
    run = selectors.run_of(group, run_id)
    post = selectors.deliverable_needs(run).filter(pk=payload.post_id).first()
    if post is None:
        raise Http404
    stop = services.stop_add(
        run=run,
        actor=_me(request),
        post=post,
        quantity=payload.quantity,
        service_min=payload.service_min,
        window_start=payload.window_start,
        window_end=payload.window_end,
        door_note=payload.door_note,
        exact_point=payload.exact_point,
        text_on_way=payload.text_on_way,
    )
    return Status(201, _stop(Stop.objects.select_related("post").get(pk=stop.pk)))


class DeliveriesStopEditIn(Schema):
    """Only the fields sent change. ``door_note`` is sealed and never returned: a string replaces the notes
    ("" removes them). ``exact_point`` ("lat, lon" of the door, for when the address geocoded wrong) is
    sealed the same way and each change is audited. A window field sent as null removes that end of the
    window."""

    quantity: int | None = Field(None, ge=0, le=100_000)
    service_min: int | None = Field(None, ge=0, le=240)
    window_start: datetime | None = None
    window_end: datetime | None = None
    door_note: str | None = Field(None, max_length=500)
    exact_point: str | None = Field(None, max_length=60)
    text_on_way: bool | None = None


class DeliveriesStopEditOut(Schema):
    stop: StopOut
    changed: list[str]  # the fields that changed (door_note and exact_point included, never their text)
    driver_told: bool  # a published stop's driver was told what changed


@router.patch(
    "/groups/{slug}/deliveries/runs/{run_id}/stops/{stop_id}",
    response=DeliveriesStopEditOut,
    summary="Change a stop: quantity, minutes at the door, window, door notes, exact map point, text consent",
)
def deliveries_stop_edit(
    request: HttpRequest, slug: str, run_id: int, stop_id: int, payload: DeliveriesStopEditIn
) -> DeliveriesStopEditOut:
    _run, stop = access.get_stop_for_coordinator(_me(request), slug, run_id, stop_id)
    sent = payload.dict(exclude_unset=True)
    for name in ("quantity", "service_min", "text_on_way"):
        if name in sent and sent[name] is None:
            raise ValidationError({name: _("Give a value, or leave the field out to keep it.")})
    stop, changed, told = services.stop_edit(
        stop=stop,
        actor=_me(request),
        edit=services.StopEdit(
            quantity=sent.get("quantity", stop.quantity),
            service_min=sent.get("service_min", stop.service_min),
            window_start=sent.get("window_start", stop.window_start),
            window_end=sent.get("window_end", stop.window_end),
            text_on_way=sent.get("text_on_way", stop.text_on_way),
            door_note=sent.get("door_note"),
            exact_point=sent.get("exact_point"),
        ),
    )
    return DeliveriesStopEditOut(stop=_stop(stop), changed=changed, driver_told=told)


class RunSettingsIn(Schema):
    exact_routing: bool = False
    max_leg_min: int | None = Field(None, ge=1, le=240)
    relay_phone: str = Field("", max_length=30)


@router.post(
    "/groups/{slug}/deliveries/runs/{run_id}/settings",
    response=RunOut,
    summary="A run's settings: exact-point routing (audited), longest leg, the group's number for drivers",
)
def deliveries_run_settings(request: HttpRequest, slug: str, run_id: int, payload: RunSettingsIn) -> RunOut:
    group, _m = get_group_for_coordinator(_me(request), slug)
    run = services.run_settings(run=selectors.run_of(group, run_id), actor=_me(request), **payload.dict())
    return _run(run)


@router.post(
    "/groups/{slug}/deliveries/runs/{run_id}/plan", response=PlanOut, summary="Plan (or re-plan) the run"
)
def deliveries_run_plan(request: HttpRequest, slug: str, run_id: int, confirm: bool = False) -> PlanOut:
    """A published run is re-planned only with ``?confirm=true`` (422 naming ``confirm`` otherwise);
    drivers whose routes change are told."""
    group, _m = get_group_for_coordinator(_me(request), slug)
    run = services.run_plan(run=selectors.run_of(group, run_id), actor=_me(request), confirm=confirm)
    return _plan(run)


class PublishOut(Schema):
    run: RunOut
    changed: bool


@router.post(
    "/groups/{slug}/deliveries/runs/{run_id}/publish",
    response=PublishOut,
    summary="Publish the routes to the drivers (publishing twice publishes once)",
)
def deliveries_run_publish(request: HttpRequest, slug: str, run_id: int) -> PublishOut:
    group, _m = get_group_for_coordinator(_me(request), slug)
    run, changed = services.run_publish(run=selectors.run_of(group, run_id), actor=_me(request))
    return PublishOut(run=_run(run), changed=changed)


class MoveIn(Schema):
    driver_id: DbId | None = None
    confirm: bool = False  # required on a published run: drivers whose routes change are told


@router.post(
    "/groups/{slug}/deliveries/runs/{run_id}/stops/{stop_id}/move",
    response=PlanOut,
    summary="Lock a stop to a driver (or unlock it) and re-plan",
)
def deliveries_stop_move(
    request: HttpRequest, slug: str, run_id: int, stop_id: int, payload: MoveIn
) -> PlanOut:
    run, stop = access.get_stop_for_coordinator(_me(request), slug, run_id, stop_id)
    driver = None
    if payload.driver_id is not None:
        driver = Driver.objects.filter(run=run, pk=payload.driver_id).first()
        if driver is None:
            raise Http404
    run = services.stop_move(stop=stop, actor=_me(request), driver=driver, confirm=payload.confirm)
    return _plan(run)


class DeliveriesPairIn(Schema):
    deliver_to_id: DbId | None = None


@router.post(
    "/groups/{slug}/deliveries/runs/{run_id}/stops/{stop_id}/pair",
    response=StopOut,
    summary="Deliver a pickup to one household stop of the run (or back to the depot with null)",
)
def deliveries_stop_pair(
    request: HttpRequest, slug: str, run_id: int, stop_id: int, payload: DeliveriesPairIn
) -> StopOut:
    run, stop = access.get_stop_for_coordinator(_me(request), slug, run_id, stop_id)
    target = None if payload.deliver_to_id is None else selectors.stop_of(run, payload.deliver_to_id)
    stop = services.stop_pair(stop=stop, actor=_me(request), target=target)
    return _stop(stop)


class DriverStopOut(StopOut):
    address: str | None  # only on the day of the run, for the assigned driver (audited)
    door_note: str | None
    call: str  # tel: link to the group's number and the stop's code ("" without a number)
    text: str  # sms: link to the group's number with the stop's code


class DriverRouteOut(Schema):
    run_id: int
    date: date
    todo: list[DriverStopOut]
    done: list[StopOut]


@router.get(
    "/groups/{slug}/deliveries/runs/{run_id}/route",
    response=DriverRouteOut,
    summary="The driver's own route: next stop first (exact addresses on the day only, audited)",
)
def deliveries_driver_route(request: HttpRequest, slug: str, run_id: int) -> DriverRouteOut:
    _group, run, driver = access.get_run_for_driver(_me(request), slug, run_id)
    todo, done = selectors.driver_route(run, driver, _me(request))
    return DriverRouteOut(
        run_id=run.pk,
        date=run.date,
        todo=[
            DriverStopOut(
                **_stop(i.stop).dict(), address=i.address, door_note=i.door_note, call=i.call, text=i.text
            )
            for i in todo
        ],
        done=[_stop(s) for s in done],
    )


class StatusIn(Schema):
    outcome: Literal["delivered", "nobody_home", "failed"]
    note: str = Field("", max_length=500)


@router.post(
    "/groups/{slug}/deliveries/runs/{run_id}/stops/{stop_id}/status",
    response=StopOut,
    summary="The assigned driver reports a stop: delivered, nobody home or couldn't deliver",
)
def deliveries_stop_status(
    request: HttpRequest, slug: str, run_id: int, stop_id: int, payload: StatusIn
) -> StopOut:
    _group, _run, stop = access.get_stop_for_driver(_me(request), slug, run_id, stop_id)
    stop = services.stop_report(stop=stop, user=_me(request), outcome=payload.outcome, note=payload.note)
    return _stop(stop)


class StartOut(Schema):
    stop: StopOut
    changed: bool  # False: the driver had already set out (the recipient is told once)


@router.post(
    "/groups/{slug}/deliveries/runs/{run_id}/stops/{stop_id}/start",
    response=StartOut,
    summary="The assigned driver sets out toward a stop; the recipient hears the driver is on the way",
)
def deliveries_stop_start(request: HttpRequest, slug: str, run_id: int, stop_id: int) -> StartOut:
    _group, _run, stop = access.get_stop_for_driver(_me(request), slug, run_id, stop_id)
    stop, changed = services.stop_start(stop=stop, user=_me(request))
    return StartOut(stop=_stop(stop), changed=changed)
