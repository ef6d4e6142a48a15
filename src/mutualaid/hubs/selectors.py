"""Reads about hubs, scoped to what the asker may see: public hubs for everyone, members-only hubs
for the members of their group. "Nearest first" measures from a place resolved offline (a group's
named areas and postal codes, then the bundled gazetteers)."""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mutualaid.core.geo import Place, haversine_km, resolve_place
from mutualaid.exchange.models import ACTIVE_STATUSES, Kind, Post
from mutualaid.groups.models import Area, Group
from mutualaid.groups.selectors import postal_key
from mutualaid.hubs import hours as opening
from mutualaid.hubs.models import Condition, Hub, PointedOffer, Report
from mutualaid.members.models import User

LIST_LIMIT = 50
FRESH = datetime.timedelta(days=7)
# Sealed columns a list never shows (decrypting them for 2,000 hubs would be wasted work).
_LIST_DEFER = ("sealed_address", "accessibility", "takes", "refuses")


@dataclass(frozen=True)
class HubResult:
    hub: Hub
    distance_km: float | None

    @property
    def fresh(self) -> bool:
        return is_fresh(self.hub)


def is_fresh(hub: Hub, now: datetime.datetime | None = None) -> bool:
    """Confirmed within the past week: checked in the last 7 days and found there."""
    if hub.last_report_at is None or hub.last_condition == Condition.NOT_THERE:
        return False
    return (now or timezone.now()) - hub.last_report_at <= FRESH


def checked_ago(when: datetime.datetime | None, now: datetime.datetime | None = None) -> str:
    """ "checked 3 hours ago", in words people read at a glance."""
    if when is None:
        return _("not checked yet")
    hours = int(((now or timezone.now()) - when).total_seconds() // 3600)
    if hours < 1:
        return _("checked less than an hour ago")
    if hours < 48:
        return ngettext("checked %(count)d hour ago", "checked %(count)d hours ago", hours) % {"count": hours}
    days = hours // 24
    return ngettext("checked %(count)d day ago", "checked %(count)d days ago", days) % {"count": days}


def visible_group_ids(user: User) -> set[int]:
    if not user.is_authenticated:
        return set()
    return set(user.memberships.values_list("group_id", flat=True))


def find_place(query: str, group: Group | None = None) -> Place | None:
    """A typed postal code or place: a group's own named areas first, then the offline gazetteers."""
    query = query.strip()
    if not query:
        return None
    areas = Area.objects.filter(group=group) if group is not None else Area.objects.filter(group__listed=True)
    key, folded = postal_key(query), query.casefold()
    for area in areas.only("name", "postal_code", "lat", "lon"):
        if (area.postal_code and postal_key(area.postal_code) == key) or area.name.casefold() == folded:
            return Place(area.lat, area.lon, area.name)
    return resolve_place(query)


def hubs_near(
    *, user: User, place: Place | None, group: Group | None = None, limit: int = LIST_LIMIT
) -> list[HubResult]:
    """Hubs the asker may see, nearest to `place` first (or newest checked first without a place).

    Distances are measured in Python over the points of every visible hub (one narrow query over a
    covering index); only the first `limit` hubs are then loaded whole.
    """
    visible = Q(public=True)
    member_of = visible_group_ids(user)
    if member_of:
        visible |= Q(group_id__in=member_of)
    rows = Hub.objects.filter(visible, active=True)
    if group is not None:
        rows = rows.filter(group=group)
    if place is None:
        ids = list(rows.order_by("-last_report_at", "pk").values_list("pk", flat=True)[:limit])
        distances: dict[int, float | None] = dict.fromkeys(ids)
    else:
        points = rows.values_list("pk", "lat", "lon")
        ranked = sorted(
            (haversine_km(place.lat, place.lon, lat, lon), pk)
            for pk, lat, lon in points
            if lat is not None and lon is not None
        )[:limit]
        distances = {pk: round(km, 1) for km, pk in ranked}
        ids = list(distances)
    hubs = Hub.objects.defer(*_LIST_DEFER).select_related("group").in_bulk(ids)
    return [HubResult(hubs[pk], distances[pk]) for pk in ids if pk in hubs]


def latest_report(hub: Hub) -> Report | None:
    return Report.objects.filter(hub=hub).defer("photo").first()


def open_now(hub: Hub, now: datetime.datetime | None = None) -> bool:
    local = timezone.localtime(now or timezone.now())
    closures = [
        (c.starts_on, c.ends_on, list(c.hours))
        for c in hub.closures.filter(ends_on__gte=local.date(), starts_on__lte=local.date())
    ]
    return opening.open_at(hub.hours, closures, local)


def week_rows(hub: Hub) -> list[tuple[int, list[str]]]:
    """(weekday, ranges) for the seven days, Monday first; [] when the hub is open at any time."""
    if not hub.hours:
        return []
    return [(day, list(hub.hours.get(str(day), []))) for day in range(7)]


def coming_closures(hub: Hub, today: datetime.date | None = None) -> list[object]:
    today = today or timezone.localdate()
    return list(hub.closures.filter(ends_on__gte=today)[:10])


# The sketch map -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    number: int
    fresh: bool


@dataclass(frozen=True)
class Sketch:
    width: int
    height: int
    dots: list[Dot]
    here: tuple[float, float] | None
    area: tuple[float, float, float] | None  # centre x, y and radius of the group's service area
    cells: list[str]  # SVG point lists of the coarse cells the hubs are in


def sketch(
    results: list[HubResult],
    place: Place | None,
    group: Group | None = None,
    width: int = 320,
    height: int = 220,
) -> Sketch | None:
    """Where the listed hubs lie, drawn on the server: dots over their coarse cells and the group's
    service area, projected around the searched place. No tiles, no outside server, no script."""
    import h3

    points = [(r.hub.lat, r.hub.lon) for r in results if r.hub.lat is not None and r.hub.lon is not None]
    if not points:
        return None
    lats = [p[0] for p in points] + ([place.lat] if place else [])
    lons = [p[1] for p in points] + ([place.lon] if place else [])
    centre_lat = (min(lats) + max(lats)) / 2
    scale_x = math.cos(math.radians(centre_lat))
    span = max((max(lats) - min(lats)), (max(lons) - min(lons)) * scale_x, 0.01) * 1.15
    pad = 14

    factor = (min(width, height) - 2 * pad) / span  # pixels per degree of latitude
    centre_lon = (min(lons) + max(lons)) / 2

    def project(lat: float, lon: float) -> tuple[float, float]:
        x = (lon - centre_lon) * scale_x * factor + width / 2
        y = -(lat - centre_lat) * factor + height / 2
        return round(x, 1), round(y, 1)

    dots = []
    cells = []
    seen: set[str] = set()
    for number, result in enumerate(results, start=1):
        hub = result.hub
        if hub.lat is None or hub.lon is None:
            continue
        dots.append(Dot(*project(hub.lat, hub.lon), number, result.fresh))
        if hub.cell and hub.cell not in seen and h3.is_valid_cell(hub.cell):
            seen.add(hub.cell)
            corners = [project(lat, lon) for lat, lon in h3.cell_to_boundary(hub.cell)]
            cells.append(" ".join(f"{x},{y}" for x, y in corners))
    area = None
    if group is not None and group.centre_lat is not None and group.centre_lon is not None:
        cx, cy = project(group.centre_lat, group.centre_lon)
        radius = group.radius_km / 111.2 * factor
        area = (cx, cy, round(radius, 1))
    return Sketch(width, height, dots, project(place.lat, place.lon) if place else None, area, cells)


def pointed_offers(hub: Hub) -> list[PointedOffer]:
    """The active offers pointed at `hub`, newest first (their posts fetched with them)."""
    return list(
        PointedOffer.objects.filter(hub=hub, post__status__in=ACTIVE_STATUSES, post__kind=Kind.OFFER)
        .select_related("post")
        .order_by("-created_at", "-pk")[:50]
    )


def pointable_offers(user: User, hub: Hub) -> list[Post]:
    """`user`'s active offers in the hub's group, for the "bring one of my offers here" form."""
    if not user.is_authenticated:
        return []
    return list(
        Post.objects.filter(
            group_id=hub.group_id, author=user, kind=Kind.OFFER, status__in=ACTIVE_STATUSES
        ).order_by("-created_at")[:50]
    )
