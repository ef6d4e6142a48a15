"""The directory's ranking and matching, beyond the demo's two groups: nearest first for any layout of
groups, postal codes however they are typed, place names without their accents."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mutualaid.core.geo import haversine_km
from mutualaid.groups.models import Group
from mutualaid.groups.selectors import directory_search
from mutualaid.groups.services import area_add


def slugs(search: Any) -> list[str]:
    return [r.group.slug for r in search.results]


def test_among_groups_that_cover_the_place_the_nearest_centre_comes_first(db: Any) -> None:
    # Both cover the point; "Aardvark" sorts first by name but its centre is 3 km away, Zebra's 0.5 km.
    Group.objects.create(
        name="Aardvark Aid", slug="aardvark", centre_lat=40.70, centre_lon=-73.90, radius_km=10
    )
    Group.objects.create(
        name="Zebra Aid", slug="zebra", centre_lat=40.6755, centre_lon=-73.9385, radius_km=10
    )
    search = directory_search(query="40.6730, -73.9400")
    assert slugs(search) == ["zebra", "aardvark"]
    assert [r.distance_km for r in search.results] == [0.0, 0.0]


def test_a_group_naming_the_postal_code_comes_before_one_that_merely_covers_it(db: Any) -> None:
    Group.objects.create(
        name="Covers It", slug="covers", centre_lat=40.6694, centre_lon=-73.9422, radius_km=20
    )
    Group.objects.create(
        name="Names It",
        slug="names",
        centre_lat=40.80,
        centre_lon=-73.95,
        radius_km=1,
        postal_codes=["11216"],
    )
    search = directory_search(query="11216")
    assert slugs(search) == ["names", "covers"]
    assert [r.matched for r in search.results] == ["postal", "distance"]


@pytest.mark.parametrize("typed", ["E8 1DY", "e8 1dy", "E81DY", " e8-1dy "])
def test_postal_codes_match_however_they_are_typed(db: Any, typed: str) -> None:
    Group.objects.create(name="Hackney Aid", slug="hackney", postal_codes=["E8 1DY"])
    search = directory_search(query=typed)
    assert slugs(search) == ["hackney"] and search.results[0].matched == "postal"


def test_zip_plus_four_finds_the_five_digit_zip(db: Any) -> None:
    group = Group.objects.create(name="Crown", slug="crown", postal_codes=["11216"])
    area_add(group=group, name="Weeksville", lat=40.675, lon=-73.93, postal_code="11233")
    assert slugs(directory_search(query="11216-1234")) == ["crown"]
    assert directory_search(query="112331234").results[0].matched == "postal"


def test_neighbourhoods_match_without_accents_and_with_a_town_after_a_comma(db: Any) -> None:
    group = Group.objects.create(name="Red de Apoyo", slug="red")
    area_add(group=group, name="Peñalolén Alto", lat=-33.48, lon=-70.53)
    for typed in ("penalolen alto", "PEÑALOLÉN  ALTO", "Peñalolén Alto, Santiago"):
        search = directory_search(query=typed)
        assert slugs(search) == ["red"] and search.results[0].matched == "area", typed
        assert search.place is not None and search.place.label == "Peñalolén Alto"


def test_city_names_match_without_accents(db: Any) -> None:
    Group.objects.create(name="Olla Común", slug="olla", centre_lat=4.61, centre_lon=-74.08, radius_km=15)
    Group.objects.create(name="Far Away", slug="far", centre_lat=40.0, centre_lon=-3.7, radius_km=15)
    for typed in ("Bogotá", "bogota", "BOGOTA, Colombia"):
        search = directory_search(query=typed)
        assert search.place is not None, typed
        assert slugs(search) == ["olla"] and search.results[0].distance_km == 0.0  # Madrid is not near


points = st.tuples(st.floats(40.5, 40.9), st.floats(-74.1, -73.7))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    groups=st.lists(st.tuples(points, st.floats(0.1, 8), st.booleans()), min_size=1, max_size=8),
    place=points,
)
def test_results_are_every_listed_group_nearest_first(db: Any, groups: list[Any], place: Any) -> None:
    Group.objects.all().delete()
    for n, ((lat, lon), radius, listed) in enumerate(groups):
        Group.objects.create(
            name=f"G{n}", slug=f"g{n}", centre_lat=lat, centre_lon=lon, radius_km=radius, listed=listed
        )
    search = directory_search(query=f"{place[0]:.5f}, {place[1]:.5f}")
    assert search.place is not None
    listed = {f"g{n}" for n, (_p, _r, shown) in enumerate(groups) if shown}
    assert set(slugs(search)) == listed
    edges = []
    for result in search.results:
        group = result.group
        centre = haversine_km(search.place.lat, search.place.lon, group.centre_lat, group.centre_lon)
        assert result.distance_km == round(max(0.0, centre - group.radius_km), 1)
        edges.append((result.distance_km, centre))
    assert edges == sorted(edges), "nearest first: by distance to the service area, then to the centre"


def test_a_place_in_the_groups_own_name_finds_it(db: Any) -> None:
    Group.objects.create(name="Ayuda Mutua Bushwick", slug="bush")
    Group.objects.create(name="Bushwickians United", slug="other")  # a word must match whole
    search = directory_search(query="bushwick")
    assert slugs(search) == ["bush"] and search.results[0].matched == "name"
    assert not search.place_unknown
    assert slugs(directory_search(query="mu")) == []  # too short to mean anything
