"""The directory says when nothing is near, and suggests the known name for a misspelt place (issue 11)."""

from __future__ import annotations

from typing import Any

from mutualaid.groups.selectors import NEARBY_KM, directory_search


def test_nothing_near_90210_says_so(client: Any, crown: Any) -> None:
    search = directory_search(query="90210")
    assert search.results == [] and search.nobody_near and search.place is not None
    html = client.get("/directory/", {"q": "90210"}).content.decode()
    assert f"No group within {NEARBY_KM} km of 90210." in html
    assert "Crown Heights Mutual Aid" not in html


def test_a_near_place_still_lists_the_group(crown: Any) -> None:
    search = directory_search(query="11216")
    assert [r.group for r in search.results] == [crown] and not search.nobody_near


def test_a_misspelt_place_suggests_the_known_name(client: Any, crown: Any) -> None:
    search = directory_search(query="brooklin")
    assert search.results == [] and "Brooklyn" in search.suggestions
    html = client.get("/directory/", {"q": "brooklin"}).content.decode()
    assert "Did you mean:" in html and 'href="/directory/?q=Brooklyn"' in html


def test_a_misspelt_neighbourhood_suggests_the_groups_area(crown: Any) -> None:
    from mutualaid.groups.models import Area

    Area.objects.create(group=crown, name="Crown Heights", lat=40.6694, lon=-73.9422)
    assert "Crown Heights" in directory_search(query="crown hieghts").suggestions
