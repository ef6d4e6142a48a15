"""The API does what the pages do, with the same rules: public finding and reporting without a token,
members-only hubs for members, changes by coordinators; an empty report puts the restock need up."""

from __future__ import annotations

from typing import Any

from mutualaid.exchange.models import Post
from mutualaid.hubs.models import Hub, Report


def test_public_find_and_report_without_a_token(api_for: Any, fridge: Any, backroom: Any) -> None:
    client = api_for(None)
    found = client.get("/api/v1/hubs", {"q": "11216"}).json()
    assert found["place"] and [h["name"] for h in found["hubs"]] == ["Franklin Ave fridge"]
    assert found["hubs"][0]["distance_km"] is not None
    detail = client.get(f"/api/v1/hubs/{fridge.pk}").json()
    assert detail["address"] == "801 Franklin Ave, Brooklyn" and detail["restock_need_id"] is None
    assert client.get(f"/api/v1/hubs/{backroom.pk}").status_code == 404
    response = client.post(
        f"/api/v1/hubs/{fridge.pk}/reports",
        {"condition": "good", "food_level": 0},
        content_type="application/json",
    )
    assert response.status_code == 201
    need = Post.objects.get()
    assert response.json()["restock_need_id"] == need.pk
    refused = client.post(
        f"/api/v1/hubs/{fridge.pk}/reports",
        {"condition": "odd", "food_level": 9},
        content_type="application/json",
    )
    assert refused.status_code == 422
    assert set(refused.json()["errors"]) == {"condition", "food_level"}
    assert Report.objects.count() == 1


def test_members_see_members_only_hubs_and_their_address(
    api_for: Any, backroom: Any, ben: Any, cy: Any
) -> None:
    listing = api_for(ben).get("/api/v1/groups/crown/hubs").json()
    assert [h["name"] for h in listing["hubs"]] == ["Backroom pantry"]
    detail = api_for(ben).get(f"/api/v1/groups/crown/hubs/{backroom.pk}").json()
    assert detail["address"] == "12 Secret Lane, back door"
    assert api_for(cy).get(f"/api/v1/groups/crown/hubs/{backroom.pk}").status_code == 404
    response = api_for(ben).post(
        f"/api/v1/groups/crown/hubs/{backroom.pk}/reports",
        {"condition": "cleaning", "food_level": 2},
        content_type="application/json",
    )
    assert response.status_code == 201 and Report.objects.get().by_member


def test_coordinators_create_and_change_hubs(api_for: Any, ada: Any, ben: Any) -> None:
    payload = {
        "name": "Nostrand pantry",
        "kind": "pantry",
        "public": False,
        "address": "9 Side St",
        "area": "11225",
    }
    assert (
        api_for(ben).post("/api/v1/groups/crown/hubs", payload, content_type="application/json").status_code
        == 403
    )
    created = api_for(ada).post("/api/v1/groups/crown/hubs", payload, content_type="application/json")
    assert created.status_code == 201
    hub = Hub.objects.get()
    assert hub.sealed_address == "9 Side St" and hub.street_address == ""
    changed = api_for(ada).patch(
        f"/api/v1/groups/crown/hubs/{hub.pk}", {"hours": "mon 9-12"}, content_type="application/json"
    )
    assert changed.status_code == 200 and changed.json()["hours"]["0"] == ["09:00-12:00"]
    hub.refresh_from_db()
    assert hub.sealed_address == "9 Side St" and hub.name == "Nostrand pantry"
    bad = api_for(ada).patch(
        f"/api/v1/groups/crown/hubs/{hub.pk}", {"hours": "whenever"}, content_type="application/json"
    )
    assert bad.status_code == 422 and "hours" in bad.json()["errors"]


def test_a_public_hub_with_a_distance_and_long_queries_refused(api_for: Any, fridge: Any) -> None:
    client = api_for(None)
    detail = client.get(f"/api/v1/hubs/{fridge.pk}", {"q": "11216"}).json()
    assert 0 < detail["distance_km"] < 5
    assert client.get("/api/v1/hubs", {"q": "x" * 101}).status_code == 422
