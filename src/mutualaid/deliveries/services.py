"""Writes for delivery runs: set up, plan (through ``deliveries.routing``), move, publish, report.

Every write to a run holds the run's row lock (``select_for_update``), so two coordinators editing one
run are serialised: the second sees the first one's result. The planner gets an instance in the public
format built from coarse cell centres only; it never sees a name or an address.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mutualaid.core.audit import record_read
from mutualaid.core.categories import deliverable_categories
from mutualaid.core.dates import in_range
from mutualaid.core.field_errors import FieldErrors
from mutualaid.core.geo import fold_name, snap
from mutualaid.core.notify import notify
from mutualaid.core.speaking import join_list, speaking
from mutualaid.deliveries import conf, notices, routing, texting
from mutualaid.deliveries.models import DeliveryRun, Depot, Driver, Stop, StopPointChange
from mutualaid.deliveries.routing import explain, roads
from mutualaid.exchange import selectors as board_selectors
from mutualaid.exchange import services as board
from mutualaid.exchange.models import Kind, Post, Status
from mutualaid.groups.models import Area, Group
from mutualaid.members.models import Membership, User

# Seconds the planner may take when a coordinator presses "plan" (tests lower it).
PLAN_SECONDS = 3.0
STOPPABLE = (Status.OPEN, Status.CLAIMED, Status.IN_PROGRESS)

REASON_TEXT = {
    explain.NO_VEHICLE: gettext_lazy("no driver can take it"),
    explain.OVER_CAPACITY: gettext_lazy("more than any driver's vehicle carries"),
    explain.WINDOW: gettext_lazy("its time window closes before any driver can arrive"),
    explain.TOO_FAR: gettext_lazy("too far to reach and come back within any driver's hours"),
    explain.NO_ROOM: gettext_lazy("no room left in any route (capacity, windows or hours)"),
    explain.LEG_TOO_LONG: gettext_lazy("no depot or other stop is within the run's longest leg"),
    explain.PICKUP_OVER_CAPACITY: gettext_lazy("the pickup is more than any driver's vehicle carries"),
    explain.PAIR_ORDER: gettext_lazy(
        "no driver can pick it up and then reach the household it goes to in time (windows, hours or locks)"
    ),
    explain.PAIR_PARTNER: gettext_lazy("the pickup or the household it is paired with cannot be routed"),
}
NOTHING_LEFT_TO_PLAN = gettext_lazy("Every stop is reported: nothing is left to plan.")
MAX_LEG_LIMIT = 240  # minutes: beyond four hours a leg limit means nothing for a delivery
RELAY_MAX = 30


def reason_text(reason: str) -> str:
    return str(REASON_TEXT.get(reason, reason))


def _coordinator(actor: User, group_id: int) -> None:
    board.require_coordinator(actor, group_id, _("Only coordinators can plan deliveries."))


def _check_years(**moments: datetime | None) -> None:
    """Refuse times without a time zone (they cannot be compared with the run's) and days out of the
    range the program computes with (`core.dates`: 1900 to 2200)."""
    errors = {}
    for name, moment in moments.items():
        if moment is None:
            continue
        if timezone.is_naive(moment):
            errors[name] = _("Give the time with a time zone.")
        elif not in_range(moment):
            errors[name] = _("Give a time between the years 1900 and 2200.")
    if errors:
        raise ValidationError(errors)


def _locked(run: DeliveryRun) -> DeliveryRun:
    return DeliveryRun.objects.select_for_update().get(pk=run.pk)


@transaction.atomic
def run_create(*, group: Group, actor: User, day: date) -> DeliveryRun:
    _coordinator(actor, group.pk)
    if not in_range(day):
        raise ValidationError({"date": _("Give a day between the years 1900 and 2200.")})
    run = DeliveryRun(group=group, date=day, created_by=actor)
    run.full_clean()
    run.save()
    return run


@transaction.atomic
def depot_add(
    *,
    run: DeliveryRun,
    actor: User,
    name: str,
    address: str = "",
    area: str = "",
    lat: float | None = None,
    lon: float | None = None,
    exact_point: str = "",
) -> Depot:
    _coordinator(actor, run.group_id)
    run = _locked(run)
    found = FieldErrors()  # every wrong field named at once
    exact_point = exact_point.strip()
    if exact_point and parse_point(exact_point) is None:
        found.add(
            ValidationError(
                {"exact_point": _("Give the map point as latitude, longitude, e.g. 40.6712, -73.9448.")}
            )
        )
    with found.check():
        place = board.locate(run.group, area, lat, lon)
        if place.lat is None or place.lon is None:
            place = _group_place(run.group, area) or place
        if place.lat is None or place.lon is None:
            raise ValidationError({"area": _unknown_area(run.group, area)})
    found.raise_any()
    depot = Depot(
        run=run,
        name=name.strip(),
        address=address.strip(),
        area=place.area,
        lat=place.lat,
        lon=place.lon,
        exact_point=exact_point,
    )
    depot.full_clean()
    depot.save()
    return depot


def _group_place(group: Group, area: str) -> board.Location | None:
    """The group's own name ("Crown Heights" for "Crown Heights Mutual Aid") is the group's area: its centre."""
    typed, name = fold_name(area), fold_name(group.name)
    if not typed or group.centre_lat is None or group.centre_lon is None:
        return None
    if typed != name and not name.startswith(typed + " "):
        return None
    cell, clat, clon = snap(group.centre_lat, group.centre_lon)
    return board.Location(area.strip()[:100], cell, clat, clon)


def _unknown_area(group: Group, area: str) -> str:
    """Why a depot's place was refused, with what the group's own areas are called."""
    names = list(Area.objects.filter(group=group).order_by("name").values_list("name", flat=True)[:8])
    if not area.strip():
        return _("Give a place we can find: one of the group's areas, a postal code or a map point.")
    if names:
        return _(
            "We cannot find “%(area)s” on the map. Give one of the group's areas (%(names)s), a postal "
            "code, or a map point (latitude and longitude)."
        ) % {"area": area.strip()[:100], "names": join_list(names)}
    return _(
        "We cannot find “%(area)s” on the map. Give a postal code, or a map point (latitude and longitude)."
    ) % {"area": area.strip()[:100]}


@dataclass(frozen=True)
class DriverInput:
    member: User
    capacity: int
    depot: Depot
    end_depot: Depot | None = None
    shift_start: datetime | None = None
    shift_end: datetime | None = None
    max_duration_min: int | None = None


@transaction.atomic
def driver_add(*, run: DeliveryRun, actor: User, data: DriverInput) -> Driver:
    _coordinator(actor, run.group_id)
    _check_years(shift_start=data.shift_start, shift_end=data.shift_end)
    run = _locked(run)
    errors: dict[str, str] = {}
    if not Membership.objects.filter(user=data.member, group_id=run.group_id).exists():
        errors["member"] = _("Choose a member of the group.")
    if data.capacity < 1:
        errors["capacity"] = _("A vehicle must carry at least one unit.")
    for depot in (data.depot, data.end_depot):
        if depot is not None and depot.run_id != run.pk:
            errors["depot"] = _("Choose a depot of this run.")
    if data.shift_start and data.shift_end and data.shift_end <= data.shift_start:
        errors["shift_end"] = _("The end of the hours must come after their start.")
    if Driver.objects.filter(run=run, member=data.member).exists():
        errors["member"] = _("This member already drives on this run.")
    if errors:
        raise ValidationError(errors)
    driver = Driver(
        run=run,
        member=data.member,
        capacity=data.capacity,
        depot=data.depot,
        end_depot=data.end_depot,
        shift_start=data.shift_start,
        shift_end=data.shift_end,
        max_duration_min=data.max_duration_min,
    )
    driver.full_clean()
    driver.save()
    return driver


@transaction.atomic
def stop_add(
    *,
    run: DeliveryRun,
    actor: User,
    post: Post,
    quantity: int | None = None,
    service_min: int = 5,
    window_start: datetime | None = None,
    window_end: datetime | None = None,
    door_note: str = "",
    exact_point: str = "",
    text_on_way: bool | None = None,
) -> Stop:
    """A need (open, claimed or assigned) becomes a delivery; an offer becomes a pickup at the
    offer's place (its goods ride to the driver's end depot). The window defaults to the post's own.
    ``exact_point`` ("lat, lon" of the door) is sealed and used only if the run routes on exact points.
    ``text_on_way``: the neighbour the post is held for has no account and agreed to a text from the
    group's number when the driver sets out (members are told through their own notice settings).
    ``None``: what the neighbour answered when they texted the need in (no answer: no text).
    """
    _coordinator(actor, run.group_id)
    run = _locked(run)
    if post.group_id != run.group_id or post.kind not in (Kind.NEED, Kind.OFFER):
        raise ValidationError({"post": _("Choose a need or an offer of this group.")})
    found = FieldErrors()  # every wrong field named at once (one reason about the post is enough)
    if post.status not in STOPPABLE:
        found.add(
            ValidationError({"post": _("Only open, claimed or assigned needs and offers can be stops.")})
        )
    elif post.category not in deliverable_categories():
        found.add(
            ValidationError({"post": _("Only goods can be delivered: food, supplies or disaster relief.")})
        )
    elif Stop.objects.filter(run=run, post=post).exists():
        found.add(ValidationError({"post": _("This post is already a stop of this run.")}))
    if text_on_way is None:
        text_on_way = held_for_neighbour(post) and texting.consent_of(post) is True
    if text_on_way and not held_for_neighbour(post):
        found.add(
            ValidationError(
                {
                    "text_on_way": _(
                        "Members are told in the app as they chose; this is for neighbours without an account."
                    )
                }
            )
        )
    exact_point = exact_point.strip()
    if exact_point and parse_point(exact_point) is None:
        found.add(
            ValidationError(
                {"exact_point": _("Give the map point as latitude, longitude, e.g. 40.6712, -73.9448.")}
            )
        )
    start = window_start if window_start is not None else post.window_start
    end = window_end if window_end is not None else post.window_end
    with found.check():
        _check_years(window_start=start, window_end=end)
        if start and end and end < start:
            raise ValidationError({"window_end": _("The window ends before it starts.")})
    found.raise_any()
    stop = Stop(
        run=run,
        post=post,
        quantity=post.quantity if quantity is None else quantity,
        service_min=service_min,
        window_start=start,
        window_end=end,
        door_note=door_note.strip(),
        exact_point=exact_point,
        text_on_way=text_on_way,
    )
    stop.full_clean()
    stop.save()
    return stop


@dataclass(frozen=True)
class StopEdit:
    """What a coordinator may change on a stop after adding it. The post and the route (driver, order) are
    not here: the route changes only by moving or re-planning."""

    quantity: int
    service_min: int
    window_start: datetime | None
    window_end: datetime | None
    text_on_way: bool
    door_note: str | None = None  # the sealed notes are never shown back: None keeps them, "" removes them
    # The door's exact map point ("lat, lon", sealed like the notes, never shown back): None keeps it, ""
    # removes it, a point replaces it (the address geocoded wrong). Each change is audited.
    exact_point: str | None = None


# What the driver acts on: a change to one of these on a published route is told to the driver.
DRIVER_FIELDS = {
    "quantity": gettext_lazy("what to bring"),
    "service_min": gettext_lazy("minutes at the door"),
    "window_start": gettext_lazy("time window"),
    "window_end": gettext_lazy("time window"),
    "door_note": gettext_lazy("door notes"),
}
DOOR_NOTE_MAX = 500


@transaction.atomic
def stop_edit(*, stop: Stop, actor: User, edit: StopEdit) -> tuple[Stop, list[str], bool]:
    """Change a stop's quantity, minutes at the door, window, door notes, exact map point or the neighbour's
    consent to an "on the way" text. Returns (stop, the fields that changed, whether its driver was told).
    A change of the exact map point writes an audit row (:class:`StopPointChange`: who and when, never the
    point); the plan uses it at the next re-plan when the run routes on exact points.

    A stop the driver already reported on stays as it was. On a published run the stop's driver is told
    (notice ``delivery_stop_changed``) when something they act on changed; the plan itself (order, ETAs)
    changes only when the coordinator re-plans.
    """
    _coordinator(actor, stop.run.group_id)
    run = _locked(stop.run)
    stop = Stop.objects.select_related("post", "driver__member").get(pk=stop.pk, run=run)
    if stop.outcome != Stop.Outcome.PENDING:
        raise ValidationError(_("A stop the driver has already reported on cannot change."))
    errors: dict[str, str] = {}
    if edit.text_on_way and not held_for_neighbour(stop.post):
        errors["text_on_way"] = _(
            "Members are told in the app as they chose; this is for neighbours without an account."
        )
    if not 0 <= edit.quantity <= 100_000:
        errors["quantity"] = _("Give a quantity between 0 and 100,000.")
    if not 0 <= edit.service_min <= 240:
        errors["service_min"] = _("Give between 0 and 240 minutes.")
    door_note = None if edit.door_note is None else edit.door_note.strip()
    if door_note is not None and len(door_note) > DOOR_NOTE_MAX:
        errors["door_note"] = _("Keep the door notes under 500 characters.")
    exact_point = None if edit.exact_point is None else edit.exact_point.strip()
    if exact_point and parse_point(exact_point) is None:
        errors["exact_point"] = _("Give the map point as latitude, longitude, e.g. 40.6712, -73.9448.")
    if errors:
        raise ValidationError(errors)
    _check_years(window_start=edit.window_start, window_end=edit.window_end)
    if edit.window_start and edit.window_end and edit.window_end < edit.window_start:
        raise ValidationError({"window_end": _("The window ends before it starts.")})
    changed = []
    for name in ("quantity", "service_min", "window_start", "window_end", "text_on_way"):
        value = getattr(edit, name)
        if getattr(stop, name) != value:
            setattr(stop, name, value)
            changed.append(name)
    if door_note is not None and door_note != (stop.door_note or ""):
        stop.door_note = door_note
        changed.append("door_note")
    if exact_point is not None and exact_point != (stop.exact_point or ""):
        stop.exact_point = exact_point
        changed.append("exact_point")
    if not changed:
        return stop, [], False
    stop.full_clean()
    stop.save(update_fields=changed)
    if "exact_point" in changed:
        StopPointChange.objects.create(stop=stop, by=actor, removed=not exact_point)
    told = False
    if run.status == DeliveryRun.Status.PUBLISHED and stop.driver is not None:
        what = [name for name in changed if name in DRIVER_FIELDS]
        if what:
            _tell_stop_changed(run, stop, what)
            told = True
    return stop, changed, told


def _tell_stop_changed(run: DeliveryRun, stop: Stop, what: list[str]) -> None:
    """Tell a published stop's driver, in their language, which of the things they act on changed."""
    assert stop.driver is not None
    member = stop.driver.member
    with speaking(member.language):
        title = date_format(run.date, "DATE_FORMAT")
        names = join_list(dict.fromkeys(str(DRIVER_FIELDS[name]) for name in what))
    url = reverse("deliveries_route", kwargs={"slug": run.group.slug, "run_id": run.pk})
    transaction.on_commit(
        partial(
            notify,
            user=member,
            kind="delivery_stop_changed",
            context={"group": run.group.name, "title": title, "code": stop.pk, "what": names, "url": url},
        )
    )


def held_for_neighbour(post: Post) -> bool:
    """A post held for a neighbour without an account: taken in by a member for them, or texted in."""
    return post.contact_id is not None or post.author_id is None


def parse_point(text: str) -> tuple[float, float] | None:
    """``"lat, lon"`` as numbers within range, or ``None``."""
    parts = text.replace(";", ",").split(",")
    if len(parts) != 2:
        return None
    try:
        lat, lon = float(parts[0]), float(parts[1])
    except ValueError:
        return None
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        return None
    return lat, lon


@transaction.atomic
def run_settings(
    *,
    run: DeliveryRun,
    actor: User,
    exact_routing: bool,
    max_leg_min: int | None,
    relay_phone: str,
) -> DeliveryRun:
    """The coordinator's choices for a run: exact-point routing, the longest leg, the group's number."""
    _coordinator(actor, run.group_id)
    run = _locked(run)
    relay = relay_phone.strip()
    digits = relay.removeprefix("+").replace(" ", "").replace("-", "")
    errors = {}
    if relay and (not digits.isdigit() or not 5 <= len(digits) <= 20 or len(relay) > RELAY_MAX):
        errors["relay_phone"] = _("Give the group's number in digits, e.g. +1 555 010 0200.")
    if max_leg_min is not None and not 1 <= max_leg_min <= MAX_LEG_LIMIT:
        errors["max_leg_min"] = _("Give between 1 and %(max)d minutes, or leave it empty.") % {
            "max": MAX_LEG_LIMIT
        }
    if errors:
        raise ValidationError(errors)
    run.exact_routing = exact_routing
    run.max_leg_min = max_leg_min
    run.relay_phone = ("+" if relay.startswith("+") else "") + digits if relay else ""
    run.full_clean()
    run.save(update_fields=["exact_routing", "max_leg_min", "relay_phone"])
    return run


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def run_instance(
    run: DeliveryRun, *, time_limit_s: float | None = None, reader: User | None = None
) -> dict[str, Any]:
    """The run as a routing instance (``docs/routing-instance.md``): coordinates only, no names.

    Coarse cell centres, unless the coordinator chose exact routing for the run: then a stop with
    an exact map point is routed on it (decrypted here, in memory; one audit row per stop, read by
    ``reader``). Pickups (stops at offers) and the run's longest leg use the format's extensions
    (``docs/deliveries.md``). Refuses, naming them, a run without depots or drivers, a vehicle
    without capacity, and stops without a location.
    """
    depots = list(run.depots.all())
    drivers = list(run.drivers.select_related("member"))
    # Stops a driver has reported are done: they keep their driver and place, and are not routed again.
    stops = list(run.stops.filter(outcome=Stop.Outcome.PENDING).select_related("post"))
    errors = []
    if not depots:
        errors.append(_("Add a depot where routes start."))
    if not drivers:
        errors.append(_("Add at least one driver."))
    empty = [d.member.display_name for d in drivers if d.capacity < 1]
    if empty:
        errors.append(_("These drivers have no capacity: %(names)s.") % {"names": join_list(empty)})
    nowhere = [s for s in stops if s.post.lat is None or s.post.lon is None]
    if nowhere:
        errors.append(
            _("These stops have no location; give the needs an area first: %(stops)s.")
            % {"stops": join_list(f"#{s.post_id}" for s in nowhere)}
        )
    if not stops and run.stops.exists():
        errors.append(str(NOTHING_LEFT_TO_PLAN))
    elif not stops:
        errors.append(_("Add the needs to deliver."))
    if errors:
        raise ValidationError(errors)
    vehicles = []
    for d in drivers:
        vehicle: dict[str, Any] = {"id": f"r{d.pk}", "depot": f"d{d.depot_id}", "capacity": d.capacity}
        if d.end_depot_id:
            vehicle["end_depot"] = f"d{d.end_depot_id}"
        if d.shift_start and d.shift_end:
            vehicle["shift"] = [_iso(d.shift_start), _iso(d.shift_end)]
        if d.max_duration_min:
            vehicle["max_duration_min"] = d.max_duration_min
        vehicles.append(vehicle)
    instance_stops = []
    ids = {s.pk for s in stops}
    paired_targets = {s.deliver_to_id for s in stops if s.is_pickup and s.deliver_to_id in ids}
    for s in stops:
        lat, lon = s.post.lat, s.post.lon
        if run.exact_routing and s.exact_point:
            point = parse_point(s.exact_point)
            if point is not None:
                lat, lon = point
                record_read(reader=reader, subject=s, fields=["exact_point"], group_id=run.group_id)
        stop: dict[str, Any] = {"id": f"s{s.pk}", "lat": lat, "lon": lon, "service_min": s.service_min}
        if s.is_pickup:
            stop["demand"], stop["pickup"] = 0, s.quantity
            if s.deliver_to_id in paired_targets:
                stop["deliver_to"] = f"s{s.deliver_to_id}"
        elif s.pk in paired_targets:
            # Its goods come from the pickup paired with it, not from the depot.
            stop["demand"] = 0
            if run.max_leg_min:
                stop["max_leg_min"] = run.max_leg_min
        else:
            stop["demand"] = s.quantity
            if run.max_leg_min:
                stop["max_leg_min"] = run.max_leg_min
        if s.window_start and s.window_end:
            stop["window"] = [_iso(s.window_start), _iso(s.window_end)]
        if s.locked_to_id:
            stop["vehicle"] = f"r{s.locked_to_id}"
        instance_stops.append(stop)
    return {
        "params": {"time_limit_s": PLAN_SECONDS if time_limit_s is None else time_limit_s, "seed": 1},
        "depots": [_depot_point(run, d, reader) for d in depots],
        "vehicles": vehicles,
        "stops": instance_stops,
    }


def _depot_point(run: DeliveryRun, depot: Depot, reader: User | None) -> dict[str, Any]:
    """A depot in the instance: its coarse cell, or its exact point when the run routes on them (audited)."""
    lat, lon = depot.lat, depot.lon
    point = parse_point(depot.exact_point) if run.exact_routing and depot.exact_point else None
    if point is not None:
        lat, lon = point
        record_read(reader=reader, subject=depot, fields=["exact_point"], group_id=run.group_id)
    return {"id": f"d{depot.pk}", "lat": lat, "lon": lon}


def road_travel(run: DeliveryRun) -> routing.Travel | None:
    """Road travel times when the operator configured a server; exact points never leave this machine."""
    url = conf.routing_url()
    if not url:
        return None
    if run.exact_routing and not roads.is_loopback(url):
        return None  # exact points would leave the machine: the straight-line estimate instead
    kind = conf.routing_kind()
    if kind not in roads.KINDS:
        return _misconfigured(kind)
    return routing.road_travel(kind, url)


def _misconfigured(kind: str) -> routing.Travel:
    """A travel source that fails at once: the plan falls back to the estimate and names the cause."""

    def travel(points: Sequence[tuple[float, float]]) -> tuple[Any, Any]:
        raise routing.RoadServerError(f"unknown MUTUALAID_ROUTING_KIND {kind[:20]!r}")

    return travel


def _routes_now(run: DeliveryRun) -> dict[int, list[int]]:
    """Each driver's stops in order, as the drivers see them."""
    routes: dict[int, list[int]] = {}
    for driver_id, stop_id in (
        run.stops.filter(driver__isnull=False).order_by("sequence").values_list("driver_id", "pk")
    ):
        routes.setdefault(driver_id, []).append(stop_id)
    return routes


def _require_stops_to_plan(run: DeliveryRun) -> None:
    """Checked before asking for a confirmation: a run whose every stop is reported is refused plainly,
    not after the coordinator confirmed a re-plan that could not move anything."""
    if run.stops.exists() and not run.stops.filter(outcome=Stop.Outcome.PENDING).exists():
        raise ValidationError(str(NOTHING_LEFT_TO_PLAN))


def _require_confirmed(run: DeliveryRun, confirm: bool) -> None:
    """Drivers of a published run already have their routes: a re-plan that may move their stops is asked for."""
    if run.status == DeliveryRun.Status.PUBLISHED and not confirm:
        raise ValidationError(
            {
                "confirm": _(
                    "The drivers already have these routes. Re-planning may move stops from one driver to "
                    "another; confirm it, and the drivers whose routes change are told."
                )
            }
        )


def _tell_changed(run: DeliveryRun, before: dict[int, list[int]]) -> int:
    """After a re-plan of a published run: tell each driver whose stops or their order changed."""
    after = _routes_now(run)
    changed = {d for d in before.keys() | after.keys() if before.get(d, []) != after.get(d, [])}
    drivers = list(Driver.objects.filter(run=run, pk__in=changed).select_related("member"))
    url = reverse("deliveries_route", kwargs={"slug": run.group.slug, "run_id": run.pk})
    group_name = run.group.name
    for driver in drivers:
        member = driver.member
        with speaking(member.language):
            title = date_format(run.date, "DATE_FORMAT")
        transaction.on_commit(
            partial(
                notify,
                user=member,
                kind="delivery_route_changed",
                context={"group": group_name, "title": title, "url": url},
            )
        )
    return len(drivers)


@transaction.atomic
def run_plan(
    *, run: DeliveryRun, actor: User, time_limit_s: float | None = None, confirm: bool = False
) -> DeliveryRun:
    """Solve the run and store each stop's driver, place and ETA, or why it could not be routed.

    A published run is re-planned only with ``confirm``; then every driver whose stops changed (moved
    to or from them, or in another order) is told.
    """
    _coordinator(actor, run.group_id)
    run = _locked(run)
    _require_stops_to_plan(run)
    _require_confirmed(run, confirm)
    return _replan(run, actor, time_limit_s, _routes_now(run))


def _replan(
    run: DeliveryRun, actor: User, time_limit_s: float | None, before: dict[int, list[int]]
) -> DeliveryRun:
    """The plan itself (the run's row lock held); ``before``: the drivers' routes as they last saw them."""
    obj = run_instance(run, reader=actor, time_limit_s=time_limit_s)
    try:
        instance = routing.parse_instance(obj)
    except routing.InvalidInstance as error:  # e.g. a window in the year 1: named, never a crash
        raise ValidationError(str(error)) from None
    pending = run.stops.filter(outcome=Stop.Outcome.PENDING)
    hint: dict[str, list[str]] = {}
    for stop in pending.filter(driver__isnull=False).order_by("sequence"):
        hint.setdefault(f"r{stop.driver_id}", []).append(f"s{stop.pk}")
    # A driver's stops still to do come after those they reported.
    reported: dict[int, int] = {}
    for driver_id, sequence in run.stops.exclude(outcome=Stop.Outcome.PENDING).values_list(
        "driver_id", "sequence"
    ):
        if driver_id is not None:
            reported[driver_id] = max(reported.get(driver_id, 0), sequence)
    output = routing.plan(instance, hint=hint or None, travel=road_travel(run), threads=conf.route_threads())
    # Without a driver's hours or a window there is no clock: the planner counts from its own origin,
    # and its times would read as "00:02". The order stands; no time is promised.
    clock = any("shift" in v for v in obj["vehicles"]) or any("window" in s for s in obj["stops"])
    stops = {f"s{s.pk}": s for s in pending}
    for stop in stops.values():
        stop.driver_id, stop.sequence, stop.eta, stop.unrouted_reason = None, 0, None, ""
    for route in output["routes"]:
        driver_id = int(route["vehicle"][1:])
        for k, (sid, start) in enumerate(zip(route["stops"], route["starts"], strict=True)):
            stop = stops[sid]
            stop.driver_id, stop.sequence = driver_id, reported.get(driver_id, 0) + k + 1
            stop.eta = datetime.fromisoformat(start) if clock else None
    for item in output["unserved"]:
        stops[item["stop"]].unrouted_reason = item["reason"]
    Stop.objects.bulk_update(list(stops.values()), ["driver", "sequence", "eta", "unrouted_reason"])
    run.plan_stats = {
        "distance_m": output["distance_m"],
        "routes": {
            r["vehicle"][1:]: {
                "distance_m": r["distance_m"],
                "duration_s": r["duration_s"],
                "load": r["load"],
                "picked_up": r.get("picked_up", 0),
            }
            for r in output["routes"]
        },
        **{k: v for k, v in output["stats"].items() if k in ("seconds", "mode", "matrix")},
    }
    if run.status == DeliveryRun.Status.DRAFT:
        run.status = DeliveryRun.Status.PLANNED
    run.planned_at = timezone.now()
    run.save(update_fields=["plan_stats", "status", "planned_at"])
    if run.status == DeliveryRun.Status.PUBLISHED:
        run.plan_stats["told"] = _tell_changed(run, before)
        run.save(update_fields=["plan_stats"])
    return run


@transaction.atomic
def stop_move(*, stop: Stop, actor: User, driver: Driver | None, confirm: bool = False) -> DeliveryRun:
    """Lock a stop to a driver (or unlock it with ``None``) and re-plan around it (a published run:
    only with ``confirm``, see :func:`run_plan`)."""
    _coordinator(actor, stop.run.group_id)
    run = _locked(stop.run)
    if Stop.objects.filter(pk=stop.pk, run=run).exclude(outcome=Stop.Outcome.PENDING).exists():
        raise ValidationError(_("This stop was already reported."))  # done: it stays with its driver
    _require_confirmed(run, confirm)
    before = _routes_now(run)
    if driver is not None and driver.run_id != run.pk:
        raise ValidationError({"driver": _("Choose a driver of this run.")})
    stop = Stop.objects.get(pk=stop.pk, run=run)
    stop.locked_to = driver
    if driver is not None and stop.driver_id != driver.pk:
        # Start the re-plan from the move itself: the stop at the end of its new driver's route.
        last = Stop.objects.filter(run=run, driver=driver).order_by("-sequence").first()
        stop.driver, stop.sequence = driver, (last.sequence + 1 if last else 1)
    stop.save(update_fields=["locked_to", "driver", "sequence"])
    return _replan(run, actor, None, before)


@transaction.atomic
def stop_pair(*, stop: Stop, actor: User, target: Stop | None) -> Stop:
    """Deliver a pickup's goods to one household stop of the run (or undo it with ``None``).

    The next plan keeps the two in one route, the pickup first; the household then gets the pickup's
    goods rather than its own quantity from the depot.
    """
    _coordinator(actor, stop.run.group_id)
    run = _locked(stop.run)
    stop = Stop.objects.select_related("post").get(pk=stop.pk, run=run)
    if not stop.is_pickup:
        raise ValidationError({"deliver_to": _("Only a pickup can be delivered to a household.")})
    if target is not None:
        target = Stop.objects.select_related("post").filter(pk=target.pk, run=run).first()
        if target is None:
            raise ValidationError({"deliver_to": _("Choose a stop of this run.")})
        if target.is_pickup:
            raise ValidationError({"deliver_to": _("Choose a household to deliver to, not another pickup.")})
        taken = Stop.objects.filter(run=run, deliver_to=target).exclude(pk=stop.pk).first()
        if taken is not None:
            raise ValidationError(
                {"deliver_to": _("Stop %(code)s already brings its goods there.") % {"code": taken.pk}}
            )
    if stop.outcome != Stop.Outcome.PENDING or (
        target is not None and target.outcome != Stop.Outcome.PENDING
    ):
        raise ValidationError({"deliver_to": _("A stop the driver has already reported on cannot change.")})
    stop.deliver_to = target
    stop.full_clean()
    stop.save(update_fields=["deliver_to"])
    return stop


@transaction.atomic
def run_publish(*, run: DeliveryRun, actor: User) -> tuple[DeliveryRun, bool]:
    """Give drivers their routes. Publishing twice publishes once: returns (run, whether it changed)."""
    _coordinator(actor, run.group_id)
    run = _locked(run)
    if run.status == DeliveryRun.Status.PUBLISHED:
        return run, False
    if run.status != DeliveryRun.Status.PLANNED:
        raise ValidationError(_("Plan the run before publishing it."))
    run.status = DeliveryRun.Status.PUBLISHED
    run.published_at = timezone.now()
    run.save(update_fields=["status", "published_at"])
    return run, True


def _fulfil(post: Post, driver: User, coordinator: User) -> None:
    """The need moves to fulfilled, through the board's own life cycle."""
    post.refresh_from_db()
    if post.status == Status.EXPIRED:
        # It expired while it waited for the run (the daily expiry), and the driver delivered it anyway:
        # the board's only way back is a renewal, here by the run's coordinator (recorded in its history).
        board.post_act(post=post, actor=coordinator, action="renew")
        post.refresh_from_db()
    # The pairing is only the life cycle's way to fulfilled: its "you are paired up, arrange the details"
    # (and the text to a neighbour who asked by SMS, "we will text you to arrange it") would come after
    # the goods are at the door, so nobody is told.
    if post.status == Status.OPEN:
        try:
            board.post_assign(post=post, actor=coordinator, claimant=driver, tell=False)
        except ValidationError:  # the driver posted the need: the coordinator takes it
            board.post_assign(post=post, actor=coordinator, claimant=coordinator, tell=False)
    elif post.status == Status.CLAIMED:
        claim = board_selectors.live_claim(post)
        if claim is not None:
            board.claim_decide(claim=claim, actor=coordinator, accept=True, tell=False)
    post.refresh_from_db()
    if post.status == Status.IN_PROGRESS:
        try:
            board.post_act(post=post, actor=driver, action="fulfil")
        except (PermissionDenied, ValidationError):
            board.post_act(post=post, actor=coordinator, action="fulfil")


def _reopen(post: Post, coordinator: User) -> None:
    post.refresh_from_db()
    if post.status in (Status.CLAIMED, Status.IN_PROGRESS):
        board.post_act(post=post, actor=coordinator, action="release")


@transaction.atomic
def stop_report(*, stop: Stop, user: User, outcome: str, note: str = "") -> Stop:
    """The assigned driver reports a stop: delivered (the need is fulfilled) or not (it reopens)."""
    run = _locked(stop.run)
    stop = Stop.objects.select_related("driver", "post").get(pk=stop.pk, run=run)
    if stop.driver is None or stop.driver.member_id != user.pk or run.status != DeliveryRun.Status.PUBLISHED:
        raise PermissionDenied
    if outcome not in (Stop.Outcome.DELIVERED, Stop.Outcome.NOBODY_HOME, Stop.Outcome.FAILED):
        raise ValidationError({"outcome": _("Choose delivered, nobody home or couldn't deliver.")})
    if stop.outcome != Stop.Outcome.PENDING:
        raise ValidationError(_("This stop was already reported."))
    note = note.strip()
    if outcome == Stop.Outcome.FAILED and not note:
        raise ValidationError({"note": _("Say why you couldn't deliver.")})
    if len(note) > 500:
        raise ValidationError({"note": _("Keep the reason under 500 characters.")})
    coordinator = run.created_by
    if coordinator is None:
        raise ValidationError(_("The coordinator of this run has left; ask another coordinator."))
    if outcome == Stop.Outcome.DELIVERED:
        _fulfil(stop.post, user, coordinator)
    else:
        _reopen(stop.post, coordinator)
    stop.outcome, stop.outcome_note, stop.outcome_at = outcome, note, timezone.now()
    stop.save(update_fields=["outcome", "outcome_note", "outcome_at"])
    # The poster hears, or for a post nobody owns (texted in) the run's coordinator, as claims on it go to
    # its coordinators (exchange.notices.claim_made). A post taken in for a neighbour is held on the board
    # by the member who took it in: they hear, and can reach the neighbour.
    told = stop.post.author or coordinator
    if outcome != Stop.Outcome.DELIVERED and told.pk != user.pk:
        # What they hear follows the post's state now: open (released, or open all along), or expired
        # while it waited for the run (renew it); withdrawn or fulfilled meanwhile: nothing to say.
        stop.post.refresh_from_db()
        if stop.post.status in (Status.OPEN, Status.EXPIRED):
            notices.poster_told_not_delivered(
                user=told, post=stop.post, outcome=outcome, group_name=run.group.name, pickup=stop.is_pickup
            )
    return stop


@transaction.atomic
def stop_start(*, stop: Stop, user: User) -> tuple[Stop, bool]:
    """The assigned driver sets out toward a stop: the recipient hears "your driver is on the way"
    (in their language, through the channels they chose; SMS only if they turned it on). A neighbour
    without an account who agreed (``text_on_way``) gets it as a text from the group's number in the
    language they texted in; the driver never sees their number. Once per stop: pressing again (or a
    retried request) changes nothing. Returns (stop, whether this call started it)."""
    run = _locked(stop.run)
    stop = Stop.objects.select_related("driver", "post", "run__group").get(pk=stop.pk, run=run)
    if stop.driver is None or stop.driver.member_id != user.pk or run.status != DeliveryRun.Status.PUBLISHED:
        raise PermissionDenied
    if stop.outcome != Stop.Outcome.PENDING:
        raise ValidationError(_("This stop was already reported."))
    if stop.started_at is not None:
        return stop, False
    stop.started_at = timezone.now()
    stop.save(update_fields=["started_at"])
    neighbour = held_for_neighbour(stop.post)
    recipient = None if neighbour else stop.post.author
    eta = timezone.localtime(stop.eta).strftime("%H:%M") if stop.eta else None
    if neighbour and stop.text_on_way:
        # A neighbour without an account who agreed: a text from the group's number, in the language
        # they texted in, queued in this transaction (the lock and started_at make it once per stop).
        pickup, group_name = stop.is_pickup, run.group.name

        def render(language: str) -> str:
            with translation.override(language):
                if eta is None:
                    body = (
                        _(
                            "%(group)s: your driver is on the way to pick up your offer. "
                            "To reach the driver, answer this text."
                        )
                        if pickup
                        else _(
                            "%(group)s: your driver is on the way with your delivery. "
                            "To reach the driver, answer this text."
                        )
                    )
                elif pickup:
                    body = _(
                        "%(group)s: your driver is on the way to pick up your offer, expected around %(eta)s. "
                        "To reach the driver, answer this text."
                    )
                else:
                    body = _(
                        "%(group)s: your driver is on the way with your delivery, expected around %(eta)s. "
                        "To reach the driver, answer this text."
                    )
                return body % {"group": group_name, "eta": eta}

        if texting.text_neighbour_of(stop.post, render):
            stop.texted_at = timezone.now()
            stop.save(update_fields=["texted_at"])
    if recipient is not None and recipient.pk != user.pk:
        post = stop.post
        transaction.on_commit(
            lambda: notify(
                user=recipient,
                kind="delivery_on_the_way" if eta else "delivery_setting_out",
                context={"group": run.group.name, "title": post.title, "eta": eta},
            )
        )
    return stop, True
