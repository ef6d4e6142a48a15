"""Reads about groups, scoped to what the asker may see."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from mutualaid.core.geo import Place, haversine_km, normalise_name, resolve_place
from mutualaid.groups.models import Area, Group
from mutualaid.members.models import Membership, Role, User

DIRECTORY_LIMIT = 50


def install_is_set_up() -> bool:
    return User.objects.exists()


@dataclass(frozen=True)
class DirectoryResult:
    group: Group
    distance_km: float | None
    matched: str  # how the group matched: "postal", "area", "distance" or "" (no place given)


@dataclass(frozen=True)
class DirectorySearch:
    results: list[DirectoryResult]
    place: Place | None
    place_unknown: bool


def _place_from_areas(query: str) -> Place | None:
    key = normalise_name(query)
    upper = query.strip().upper()
    area = Area.objects.filter(Q(name_key=key) | Q(postal_code=upper), group__listed=True).first()
    if area is None:
        return None
    return Place(area.lat, area.lon, area.name)


def directory_search(*, query: str = "", category: str = "", language: str = "") -> DirectorySearch:
    """Listed groups matching the filters, nearest first when a place is given. No member data."""
    groups = list(Group.objects.filter(listed=True).prefetch_related("areas"))
    if category:
        groups = [g for g in groups if category in g.categories]
    if language:
        groups = [g for g in groups if language in g.languages]
    query = query.strip()
    if not query:
        return DirectorySearch([DirectoryResult(g, None, "") for g in groups][:DIRECTORY_LIMIT], None, False)
    place = _place_from_areas(query) or resolve_place(query)
    upper, key = query.upper(), normalise_name(query)
    results = []
    for group in groups:
        areas = list(group.areas.all())
        if upper in group.postal_codes or any(a.postal_code == upper for a in areas if a.postal_code):
            results.append(DirectoryResult(group, 0.0, "postal"))
        elif any(a.name_key == key for a in areas):
            results.append(DirectoryResult(group, 0.0, "area"))
        elif place is not None:
            distance = _distance_to_service_area(group, areas, place)
            if distance is not None:
                results.append(DirectoryResult(group, distance, "distance"))
    results.sort(key=lambda r: (r.distance_km if r.distance_km is not None else float("inf"), r.group.name))
    return DirectorySearch(results[:DIRECTORY_LIMIT], place, place is None and not results)


def _distance_to_service_area(group: Group, areas: list[Area], place: Place) -> float | None:
    """Kilometres from `place` to the edge of the group's area (0 inside), or None if it has no location."""
    candidates = []
    if group.centre_lat is not None and group.centre_lon is not None:
        centre = haversine_km(place.lat, place.lon, group.centre_lat, group.centre_lon)
        candidates.append(max(0.0, centre - group.radius_km))
    candidates.extend(haversine_km(place.lat, place.lon, a.lat, a.lon) for a in areas)
    if not candidates:
        return None
    return round(min(candidates), 1)


def groups_of(user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("group").order_by("group__name")


def members_of(group: Group) -> QuerySet[Membership]:
    return Membership.objects.filter(group=group).select_related("user", "vouched_by").order_by("user__display_name")


def coordinators_of(group: Group) -> QuerySet[Membership]:
    return members_of(group).filter(role=Role.COORDINATOR)


def member_counts(group: Group) -> dict[str, int]:
    counts = Membership.objects.filter(group=group).aggregate(
        members=Count("id"), coordinators=Count("id", filter=Q(role=Role.COORDINATOR))
    )
    return {k: v or 0 for k, v in counts.items()}
