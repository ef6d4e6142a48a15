"""Public directory: anyone finds listed groups near a postal code, place or point, nearest first."""

from __future__ import annotations

from typing import Any

import pytest

from mutualaid.groups.models import Group
from mutualaid.groups.selectors import directory_search
from mutualaid.groups.services import area_add


@pytest.fixture
def network(db: Any) -> dict[str, Group]:
    make = Group.objects.create
    groups = {
        "crown": make(
            name="Crown Heights",
            slug="crown",
            centre_lat=40.6694,
            centre_lon=-73.9422,
            radius_km=2,
            postal_codes=["11216"],
            categories=["food", "housing"],
            languages=["en", "ht"],
        ),
        "bush": make(
            name="Bushwick",
            slug="bush",
            centre_lat=40.6944,
            centre_lon=-73.9213,
            radius_km=2,
            postal_codes=["11221"],
            categories=["food", "legal"],
            languages=["es", "en"],
        ),
        "astoria": make(
            name="Astoria",
            slug="astoria",
            centre_lat=40.7644,
            centre_lon=-73.9235,
            radius_km=3,
            categories=["childcare"],
            languages=["en"],
        ),
        "hidden": make(name="Hidden", slug="hidden", centre_lat=40.67, centre_lon=-73.94, listed=False),
        "la": make(
            name="Los Angeles Aid",
            slug="la",
            centre_lat=34.05,
            centre_lon=-118.24,
            radius_km=10,
            languages=["es"],
        ),
    }
    area_add(group=groups["bush"], name="Ridgewood border", lat=40.70, lon=-73.915, postal_code="11385")
    return groups


def slugs(results: Any) -> list[str]:
    return [r.group.slug for r in results]


def test_nearest_first_from_coordinates(network: Any) -> None:
    search = directory_search(query="40.690, -73.925")
    assert slugs(search.results)[:3] == ["bush", "crown", "astoria"]
    assert search.results[0].distance_km == 0.0, "inside Bushwick's radius"
    assert "la" not in slugs(search.results), "Los Angeles is thousands of km away: not listed (issue 11)"


def test_postal_code_of_the_group_ranks_first(network: Any) -> None:
    search = directory_search(query="11216")
    assert search.results[0].group.slug == "crown" and search.results[0].matched == "postal"


def test_named_neighbourhood_is_found_by_the_groups_own_words(network: Any) -> None:
    search = directory_search(query="ridgewood BORDER")
    assert search.results[0].group.slug == "bush" and search.results[0].matched == "area"


def test_city_name_from_bundled_gazetteer(network: Any) -> None:
    search = directory_search(query="Los Angeles")
    assert search.place is not None
    assert search.results[0].group.slug == "la"


def test_filters_by_category_and_language(network: Any) -> None:
    assert slugs(directory_search(query="11216", category="legal").results) == ["bush"]
    assert set(slugs(directory_search(language="es").results)) == {"bush", "la"}


def test_unlisted_groups_never_appear(network: Any) -> None:
    assert "hidden" not in slugs(directory_search(query="40.67,-73.94").results)
    assert "hidden" not in slugs(directory_search().results)


def test_unknown_place_is_said_plainly(network: Any, client: Any) -> None:
    response = client.get("/directory/", {"q": "Nowhereville Zzzq"})
    assert "We could not find that place." in response.content.decode()


def test_directory_shows_no_member_data(network: Any, client: Any, django_user_model: Any) -> None:
    from mutualaid.members.models import Membership
    from tests.conftest import make_user

    member = make_user("secretive", phone="+13475550123")
    Membership.objects.create(user=member, group=network["crown"])
    body = client.get("/directory/", {"q": "11216"}).content.decode()
    assert "Crown Heights" in body
    assert "Secretive" not in body and "5550123" not in body
    api = client.get("/api/v1/directory", {"q": "11216"}).json()
    assert api["results"][0]["slug"] == "crown"
    assert "Secretive" not in str(api)


def test_api_directory_rejects_oversize_query(network: Any, client: Any) -> None:
    assert client.get("/api/v1/directory", {"q": "x" * 500}).status_code == 422


def test_htmx_search_returns_only_the_results_fragment(network: Any, client: Any) -> None:
    response = client.get("/directory/", {"q": "11216"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "Crown Heights" in body and "<html" not in body
