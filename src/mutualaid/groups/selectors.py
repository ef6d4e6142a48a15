"""Reads about groups, scoped to what the asker may see."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from mutualaid.core import rows
from mutualaid.core.geo import Place, city_names_near, fold_name, haversine_km, resolve_place
from mutualaid.groups.models import Area, Group
from mutualaid.members.models import JoinRequest, Membership, Role, User
from mutualaid.members.selectors import groups_of as groups_of  # kept importable from here

DIRECTORY_LIMIT = 50
# Groups farther than this from the place searched are not listed: "no group within 50 km of 90210"
# helps more than a list that starts thousands of kilometres away.
NEARBY_KM = 50


def install_is_set_up() -> bool:
    return User.objects.exists()


@dataclass(frozen=True)
class DirectoryResult:
    group: Group
    distance_km: float | None
    matched: str  # how the group matched: "postal", "area", "name", "distance" or "" (no place given)


@dataclass(frozen=True)
class DirectorySearch:
    results: list[DirectoryResult]
    place: Place | None
    place_unknown: bool
    query: str = ""
    nobody_near: bool = False  # the place is known, but no listed group serves within NEARBY_KM of it
    suggestions: list[str] = field(default_factory=list)  # known names close to a misspelt place
    radius_km: int = 50


_MATCH_RANK = {"postal": 0, "area": 1, "name": 2, "distance": 3}


def postal_key(text: str) -> str:
    """A postal code as compared: upper case, without spaces or dashes ("e8 1dy" finds "E8 1DY")."""
    return re.sub(r"[\s-]", "", text).upper()


def _postal_keys(query: str) -> set[str]:
    keys = {postal_key(query)}
    zip_plus_four = re.fullmatch(r"\s*(\d{5})-?\d{4}\s*", query)
    if zip_plus_four:  # 11216-1234 is in 11216
        keys.add(zip_plus_four.group(1))
    return keys


def _name_keys(query: str) -> set[str]:
    """How a typed place may name a group's neighbourhood: whole, or its first part ("Crown Heights, Brooklyn")."""
    return {fold_name(query), fold_name(query.split(",")[0])} - {""}


def _place_from_areas(areas: list[Area], postal: set[str], names: set[str]) -> Place | None:
    for area in areas:
        if (area.postal_code and postal_key(area.postal_code) in postal) or fold_name(area.name) in names:
            return Place(area.lat, area.lon, area.name)
    return None


def directory_search(*, query: str = "", category: str = "", language: str = "") -> DirectorySearch:
    """Listed groups matching the filters, nearest first when a place is given. No member data.

    A group whose own postal codes, named neighbourhoods or name match the query comes first (distance
    0); then groups by distance from the place to the edge of their service area (0 inside it), and among
    equals, the one whose centre or neighbourhood is nearest.
    """
    listed, areas_of = _listed_with_areas()
    groups = listed
    if category:
        groups = [g for g in groups if category in g.categories]
    if language:
        groups = [g for g in groups if language in g.languages]
    query = query.strip()
    if not query:
        return DirectorySearch([DirectoryResult(g, None, "") for g in groups][:DIRECTORY_LIMIT], None, False)
    postal, names = _postal_keys(query), _name_keys(query)
    place = _place_from_areas([a for g in listed for a in areas_of[g.pk]], postal, names) or resolve_place(
        query
    )
    ranked: list[tuple[float, int, float, str, DirectoryResult]] = []
    for group in groups:
        areas = areas_of[group.pk]
        nearest = _distance_to_nearest_point(group, areas, place) if place is not None else float("inf")
        if postal & {postal_key(p) for p in group.postal_codes} or any(
            a.postal_code and postal_key(a.postal_code) in postal for a in areas
        ):
            result = DirectoryResult(group, 0.0, "postal")
        elif any(fold_name(a.name) in names for a in areas):
            result = DirectoryResult(group, 0.0, "area")
        elif _names_the_group(group, names):
            result = DirectoryResult(group, 0.0, "name")
        elif place is not None:
            distance = _distance_to_service_area(group, areas, place)
            if distance is None:
                continue
            result = DirectoryResult(group, distance, "distance")
        else:
            continue
        ranked.append((result.distance_km or 0.0, _MATCH_RANK[result.matched], nearest, group.name, result))
    ranked.sort(key=lambda entry: entry[:4])
    results = [entry[4] for entry in ranked if (entry[4].distance_km or 0.0) <= NEARBY_KM]
    suggestions = _suggestions(query, listed, areas_of) if not results else []
    return DirectorySearch(
        results[:DIRECTORY_LIMIT],
        place,
        place is None and not results,
        query=query,
        nobody_near=place is not None and not results,
        suggestions=suggestions,
    )


def _listed_with_areas() -> tuple[list[Group], dict[int, list[Area]]]:
    """The listed groups (by name) and each one's areas (by name): the directory's two queries, written out
    (`core.rows`; the ORM's prefetch took about half a millisecond of CPU more per search)."""
    listed = [
        group
        for (group,) in rows.many(
            [(Group, "g")], f"FROM {rows.table(Group, 'g')} WHERE g.listed = %s ORDER BY g.name, g.id", [True]
        )
    ]
    areas_of: dict[int, list[Area]] = {group.pk: [] for group in listed}
    for (area,) in rows.many(
        [(Area, "a")],
        f"FROM {rows.table(Area, 'a')} JOIN {rows.table(Group, 'g')} ON g.id = a.group_id "
        "WHERE g.listed = %s ORDER BY a.name, a.id",
        [True],
    ):
        if area.group_id in areas_of:  # a group listed between the two reads waits for the next search
            areas_of[area.group_id].append(area)
    return listed, areas_of


def _suggestions(query: str, listed: list[Group], areas_of: dict[int, list[Area]]) -> list[str]:
    """Known places close in spelling to the query ("brooklin" → "Brooklyn"): the listed groups' named
    areas and names, and the gazetteer's cities within reach of a listed group."""
    known: dict[str, str] = {}
    for group in listed:
        for name in [group.name, *(a.name for a in areas_of[group.pk])]:
            known.setdefault(fold_name(name), name)
        if group.centre_lat is not None and group.centre_lon is not None:
            reach = NEARBY_KM + (group.radius_km or 0)
            for name in city_names_near(group.centre_lat, group.centre_lon, reach):
                known.setdefault(fold_name(name), name)
    typed = fold_name(query.split(",")[0])
    close = difflib.get_close_matches(typed, [k for k in known if k != typed], n=3, cutoff=0.75)
    return [known[key] for key in close]


def _names_the_group(group: Group, names: set[str]) -> bool:
    """The query is a word or words of the group's name ("Bushwick" finds "Ayuda Mutua Bushwick")."""
    padded = f" {fold_name(group.name)} "
    return any(len(name) >= 3 and f" {name} " in padded for name in names)


def _distance_to_nearest_point(group: Group, areas: list[Area], place: Place) -> float:
    """Kilometres from `place` to the group's centre or nearest named neighbourhood (ties between groups)."""
    points = [(a.lat, a.lon) for a in areas]
    if group.centre_lat is not None and group.centre_lon is not None:
        points.append((group.centre_lat, group.centre_lon))
    return min((haversine_km(place.lat, place.lon, lat, lon) for lat, lon in points), default=float("inf"))


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


def join_requests_of(user: User) -> QuerySet[JoinRequest]:
    """The member's own requests to join, newest first: pending ones and the outcome of decided ones."""
    return JoinRequest.objects.filter(user=user).select_related("group").order_by("-created_on", "-pk")[:10]


def members_of(group: Group) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(group=group)
        .select_related("user", "vouched_by")
        .order_by("user__display_name")
    )


def coordinators_of(group: Group) -> QuerySet[Membership]:
    return members_of(group).filter(role=Role.COORDINATOR)


def member_counts(group: Group) -> dict[str, int]:
    counts = Membership.objects.filter(group=group).aggregate(
        members=Count("id"), coordinators=Count("id", filter=Q(role=Role.COORDINATOR))
    )
    return {k: v or 0 for k, v in counts.items()}
