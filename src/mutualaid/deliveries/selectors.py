"""Reads for delivery runs, scoped to who asks: coordinators see the whole run; a driver sees their route.

Exact addresses (the need's sealed address, the door notes) are decrypted only in
:func:`driver_route`, for the assigned driver, on the day of the run and while the stop is still to
do; each reveal writes an audit row. Coarse areas are all anyone else sees.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from mutualaid.core.audit import record_read
from mutualaid.core.categories import deliverable_categories
from mutualaid.deliveries.models import DeliveryRun, Driver, Stop
from mutualaid.deliveries.services import STOPPABLE, reason_text
from mutualaid.exchange.models import Kind, Post
from mutualaid.groups.models import Group
from mutualaid.members.models import User


def runs_of(group: Group) -> QuerySet[DeliveryRun]:
    return DeliveryRun.objects.filter(group=group)


def run_of(group: Group, run_id: int) -> DeliveryRun:
    run = DeliveryRun.objects.filter(group=group, pk=run_id).first()
    if run is None:
        raise Http404
    return run


def stop_of(run: DeliveryRun, stop_id: int) -> Stop:
    stop = Stop.objects.filter(run=run, pk=stop_id).select_related("run", "post", "driver").first()
    if stop is None:
        raise Http404
    return stop


def deliverable_needs(run: DeliveryRun) -> QuerySet[Post]:
    """Needs (to deliver) and offers (to pick up) a coordinator may add: goods that can be carried
    (see `Category.deliverable`), open, claimed or assigned, not yet on the run."""
    taken = Stop.objects.filter(run=run).values("post_id")
    return (
        Post.objects.filter(
            group_id=run.group_id,
            kind__in=(Kind.NEED, Kind.OFFER),
            status__in=STOPPABLE,
            category__in=deliverable_categories(),
        )
        .exclude(pk__in=taken)
        .order_by("-created_at")
        .only(
            "id", "kind", "title", "category", "quantity", "unit", "area", "status", "lat", "lon", "group_id"
        )
    )


@dataclass
class RouteView:
    driver: Driver
    stops: list[Stop] = field(default_factory=list)
    distance_m: int = 0
    duration_s: int = 0
    load: int = 0
    picked_up: int = 0

    @property
    def km(self) -> float:
        return round(self.distance_m / 1000, 1)

    @property
    def minutes(self) -> int:
        return round(self.duration_s / 60)


@dataclass
class RunView:
    run: DeliveryRun
    routes: list[RouteView]
    unrouted: list[tuple[Stop, str]]
    unplanned: list[Stop]
    pickups: list[Stop] = field(default_factory=list)  # stops at offers: each can go to one household
    households: list[Stop] = field(default_factory=list)  # stops a pickup can be delivered to
    all_reported: bool = False  # stops, every one reported by its driver: nothing is left to plan

    @property
    def km(self) -> float:
        return round(int(self.run.plan_stats.get("distance_m", 0)) / 1000, 1)


def run_view(run: DeliveryRun) -> RunView:
    drivers = list(run.drivers.select_related("member", "depot", "end_depot"))
    stats: dict[str, Any] = run.plan_stats.get("routes", {})
    routes = {}
    for d in drivers:
        raw = stats.get(str(d.pk)) or {}
        routes[d.pk] = RouteView(
            driver=d,
            distance_m=raw.get("distance_m", 0),
            duration_s=raw.get("duration_s", 0),
            load=raw.get("load", 0),
            picked_up=raw.get("picked_up", 0),
        )
    unrouted: list[tuple[Stop, str]] = []
    unplanned: list[Stop] = []
    pickups: list[Stop] = []
    households: list[Stop] = []
    rows = run.stops.select_related("post", "locked_to", "deliver_to", "delivered_from")
    pending = 0
    for stop in rows.order_by("sequence", "id"):
        pending += stop.outcome == Stop.Outcome.PENDING
        (pickups if stop.is_pickup else households).append(stop)
        if stop.driver_id in routes:
            routes[stop.driver_id].stops.append(stop)
        elif stop.unrouted_reason:
            unrouted.append((stop, reason_text(stop.unrouted_reason)))
        else:
            unplanned.append(stop)
    return RunView(
        run=run,
        routes=list(routes.values()),
        unrouted=unrouted,
        unplanned=unplanned,
        pickups=pickups,
        households=sorted(households, key=lambda s: s.pk),
        all_reported=bool(pickups or households) and not pending,
    )


def driver_of(run: DeliveryRun, user: User) -> Driver:
    driver = Driver.objects.filter(run=run, member=user).select_related("depot", "end_depot").first()
    if driver is None or run.status != DeliveryRun.Status.PUBLISHED:
        raise Http404
    return driver


def runs_driven_by(group: Group, user: User) -> QuerySet[DeliveryRun]:
    return DeliveryRun.objects.filter(
        group=group, drivers__member=user, status=DeliveryRun.Status.PUBLISHED
    ).order_by("-date")


@dataclass
class DriverStop:
    stop: Stop
    address: str | None  # None: not revealed (another day, or already done)
    door_note: str | None
    call: str = ""  # tel: link to the group's number, then the stop's code (never the recipient's)
    text: str = ""  # sms: link to the group's number with the stop's code as the start of the message


def relay_links(run: DeliveryRun, stop: Stop) -> tuple[str, str]:
    """(tel:, sms:) links to the group's number naming the stop by its code, or ("", "") without one.

    The tel: link dials the code after the call connects (",," pauses), so whoever answers the
    group's number knows which stop it is and can reach the recipient; the driver never sees them.
    """
    if not run.relay_phone:
        return "", ""
    number = run.relay_phone
    return f"tel:{number},,{stop.pk}", f"sms:{number}?body=" + quote(f"Stop {stop.pk}: ")


def reveals_today(run: DeliveryRun) -> bool:
    return run.date == timezone.localdate()


def driver_route(run: DeliveryRun, driver: Driver, reader: User) -> tuple[list[DriverStop], list[Stop]]:
    """(stops still to do, next first; stops done). Addresses revealed and audited as described above."""
    stops = list(Stop.objects.filter(run=run, driver=driver).select_related("post").order_by("sequence"))
    today = reveals_today(run)
    todo = []
    for stop in stops:
        if stop.outcome != Stop.Outcome.PENDING:
            continue
        address = note = None
        if today:
            address, note = stop.post.address or "", stop.door_note or ""
            record_read(reader=reader, subject=stop.post, fields=["address"], group_id=run.group_id)
            if note:
                record_read(reader=reader, subject=stop, fields=["door_note"], group_id=run.group_id)
        call, text = relay_links(run, stop)
        todo.append(DriverStop(stop=stop, address=address, door_note=note, call=call, text=text))
    done = [s for s in stops if s.outcome != Stop.Outcome.PENDING]
    return todo, done


def sheet_stops(run: DeliveryRun, driver: Driver) -> list[Stop]:
    """The printable sheet: ordered stops with coarse areas only (paper travels; addresses do not)."""
    return list(Stop.objects.filter(run=run, driver=driver).select_related("post").order_by("sequence"))
