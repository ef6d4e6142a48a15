"""The public directory as Open Referral HSDS 3.0: every record the API and the dataset emit validates
against the official schemas, ids are stable, filters and pages follow the HSDS API, and nothing
private ever appears."""

from __future__ import annotations

import csv
import io
import json
import uuid
import zipfile
from typing import Any

import pytest
from django.test import Client

from tests.opendata.conftest import SECRETS, World
from tests.opendata.hsds_validation import validate

LISTS = {
    "organizations": "compiled/organization_list",
    "services": "compiled/service_list",
    "service_at_locations": "compiled/service_at_location_list",
    "taxonomies": "taxonomy",
    "taxonomy_terms": "taxonomy_term",
}
DETAILS = {
    "organizations": "organization",
    "services": "service",
    "service_at_locations": "service_at_location",
    "taxonomies": "taxonomy",
    "taxonomy_terms": "taxonomy_term",
}
PAGE_KEYS = {
    "total_items",
    "total_pages",
    "page_number",
    "size",
    "first_page",
    "last_page",
    "empty",
    "contents",
}


def _get(client: Client, path: str, **query: Any) -> Any:
    response = client.get(path, query)
    assert response.status_code == 200, (path, response.content[:200])
    assert response["Content-Type"] == "application/json"
    return response.json()


def _everything(client: Client) -> dict[str, list[Any]]:
    """Every list item and every record in full, as the API gives them."""
    found: dict[str, list[Any]] = {}
    for table in LISTS:
        page = _get(client, f"/api/hsds/{table}", per_page=200)
        assert set(page) == PAGE_KEYS
        found[table] = page["contents"]
        found[f"{table}/id"] = [_get(client, f"/api/hsds/{table}/{item['id']}") for item in page["contents"]]
    return found


def test_every_api_record_validates_against_the_hsds_schemas(world: World) -> None:
    client = Client()
    root = _get(client, "/api/hsds/")
    assert root["version"] == "3.0"
    found = _everything(client)
    assert len(found["organizations"]) == 2  # crown and bush; not the unlisted group
    assert {s["name"] for s in found["services"]} == {
        "Crown Heights Mutual Aid",
        "Ayuda Mutua Bushwick",
        "Franklin Ave fridge",
        "Dean St pantry",
    }
    assert len(found["service_at_locations"]) == 2  # the two public hubs
    assert len(found["taxonomy_terms"]) == 12
    for table, schema in LISTS.items():
        for item in found[table]:
            validate(item, schema)
        for record in found[f"{table}/id"]:
            validate(record, DETAILS[table])
    for item in found["service_at_locations"]:
        validate(item["service"], "service")
        validate(item["location"], "location")
    for item in found["services"]:
        validate(item["organization"], "organization")


def test_a_public_hub_in_full(world: World) -> None:
    client = Client()
    crown = next(
        o for o in _get(client, "/api/hsds/organizations")["contents"] if o["name"].startswith("Crown")
    )
    org = _get(client, f"/api/hsds/organizations/{crown['id']}")
    assert org["website"] == "http://testserver/g/crown/"
    assert {s["name"] for s in org["services"]} == {
        "Crown Heights Mutual Aid",
        "Franklin Ave fridge",
        "Dean St pantry",
    }
    group_service = next(s for s in org["services"] if s["name"] == "Crown Heights Mutual Aid")
    assert {t["taxonomy_term"]["code"] for t in group_service["attributes"]} == {
        "food",
        "housing",
        "transport",
    }
    assert {lang["code"] for lang in group_service["languages"]} == {"en", "es"}
    assert {a["name"] for a in group_service["service_areas"]} >= {"Wingate", "11216", "11225"}
    assert group_service["application_process"].startswith("Come to a meeting")

    fridge = next(s for s in org["services"] if s["name"] == "Franklin Ave fridge")
    (sal,) = fridge["service_at_locations"]
    assert sal["location"]["description"] == "801 Franklin Ave, Brooklyn"
    assert sal["location"]["latitude"] == pytest.approx(world.fridge.lat)
    assert sal["location"]["accessibility"][0]["description"] == "Step-free, lit at night"
    hours = sorted((s["byday"], s["opens_at"], s["closes_at"]) for s in sal["schedules"])
    assert hours == sorted(
        [(day, "09:00", "17:00") for day in ("MO", "TU", "WE", "TH", "FR")]
        + [("SA", "10:00", "12:00"), ("SA", "14:00", "16:00")]
    )
    assert all(s["freq"] == "WEEKLY" for s in sal["schedules"])
    assert "Fresh produce" in fridge["description"] and "Raw meat" in fridge["description"]

    pantry = next(s for s in org["services"] if s["name"] == "Dean St pantry")
    (always,) = pantry["service_at_locations"][0]["schedules"]  # no hours written: open at all hours
    assert always["byday"] == "MO,TU,WE,TH,FR,SA,SU"
    assert pantry["phones"] == [] and org["phones"] == []


def _dataset(client: Client) -> tuple[dict[str, Any], dict[str, list[dict[str, str]]], bytes]:
    response = client.get("/open-data/hsds.zip")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    body = response.content
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        package = json.loads(archive.read("datapackage.json"))
        tables = {
            r["path"]: list(csv.DictReader(io.StringIO(archive.read(r["path"]).decode())))
            for r in package["resources"]
        }
        raw = b"".join(archive.read(name) for name in archive.namelist())
    return package, tables, raw


def _typed(value: str, kind: str) -> Any:
    if kind == "number":
        return float(value)
    if kind == "integer":
        return int(value)
    if kind == "boolean":
        return value == "true"
    return value


def test_the_dataset_validates_and_its_links_hold(world: World) -> None:
    package, tables, _raw = _dataset(Client())
    assert package["profile"] == "tabular-data-package"
    ids: set[str] = set()
    for resource in package["resources"]:
        columns = {f["name"]: f["type"] for f in resource["schema"]["fields"]}
        rows = tables[resource["path"]]
        for row in rows:
            assert list(row) == list(columns)
            record = {k: _typed(v, columns[k]) for k, v in row.items() if v != ""}
            validate(record, resource["name"])
            assert record["id"] not in ids
            ids.add(record["id"])
    assert len(tables["organizations.csv"]) == 2
    assert len(tables["services.csv"]) == 4
    assert len(tables["schedules.csv"]) == 8  # 5 weekdays + 2 Saturday spans + 1 "at all hours"
    for table, key in (
        ("services.csv", "organization_id"),
        ("locations.csv", "organization_id"),
        ("service_at_location.csv", "service_id"),
        ("service_at_location.csv", "location_id"),
        ("schedules.csv", "service_at_location_id"),
        ("attributes.csv", "link_id"),
        ("attributes.csv", "taxonomy_term_id"),
        ("languages.csv", "service_id"),
        ("service_areas.csv", "service_id"),
    ):
        assert all(row[key] in ids for row in tables[table]), (table, key)


def test_nothing_private_ever_appears(world: World) -> None:
    client = Client()
    answers = json.dumps(_everything(client), ensure_ascii=False)
    _package, _tables, raw = _dataset(client)
    dataset = raw.decode()
    for secret in SECRETS:
        assert secret not in answers, secret
        assert secret not in dataset.replace('"', "") if secret.startswith('"') else secret not in dataset, (
            secret
        )
    # The unlisted group's records cannot be fetched by id either.
    from mutualaid.opendata.hsds import record_id

    for kind, key in (("organization", world.hidden.pk), ("service", f"hub:{world.backroom.pk}")):
        table = "organizations" if kind == "organization" else "services"
        response = client.get(f"/api/hsds/{table}/{record_id('http://testserver', kind, key)}")
        assert response.status_code == 404


def test_the_validation_catches_what_hsds_forbids() -> None:
    good = {"id": str(uuid.uuid4()), "name": "A service", "status": "active"}
    validate(good, "service")
    for bad in (
        {**good, "status": "open"},  # not an HSDS status
        {"id": good["id"], "name": "A service"},  # status is required
        {**good, "id": "not-a-uuid"},
        {**good, "phone": "555"},  # not an HSDS field
        {**good, "service_at_locations": [{"id": str(uuid.uuid4()), "location": {"id": "x", "kind": 1}}]},
    ):
        with pytest.raises(AssertionError):
            validate(bad, "service")


def test_a_group_that_stops_being_listed_leaves_the_data(world: World) -> None:
    world.bush.listed = False
    world.bush.save()
    names = {o["name"] for o in _get(Client(), "/api/hsds/organizations")["contents"]}
    assert names == {"Crown Heights Mutual Aid"}
    world.fridge.public = False
    world.fridge.save()
    assert _get(Client(), "/api/hsds/service_at_locations")["total_items"] == 1


def test_ids_are_stable_and_belong_to_the_install(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    client = Client()
    first = [o["id"] for o in _get(client, "/api/hsds/services")["contents"]]
    assert first == [o["id"] for o in _get(client, "/api/hsds/services")["contents"]]
    assert all(uuid.UUID(i).version == 5 for i in first)
    monkeypatch.setenv("MUTUALAID_PUBLIC_URL", "https://aid.example.org/")
    other = [o["id"] for o in _get(client, "/api/hsds/services")["contents"]]
    assert len(other) == len(first) and not set(other) & set(first)
    org = _get(client, "/api/hsds/organizations")["contents"][0]
    assert org["website"].startswith("https://aid.example.org/g/")


def test_filters_and_pages(world: World) -> None:
    client = Client()
    services = _get(client, "/api/hsds/services")["contents"]
    crown_org = next(s["organization_id"] for s in services if s["name"].startswith("Crown"))
    assert {s["name"] for s in _get(client, "/api/hsds/services", search="FRIDGE")["contents"]} == {
        "Franklin Ave fridge"
    }
    legal = _get(client, "/api/hsds/taxonomy_terms", search="legal")["contents"][0]
    assert legal["code"] == "legal"
    assert [
        s["name"] for s in _get(client, "/api/hsds/services", taxonomy_term_id=legal["id"])["contents"]
    ] == ["Ayuda Mutua Bushwick"]
    assert len(_get(client, "/api/hsds/services", organization_id=crown_org)["contents"]) == 3
    assert len(_get(client, "/api/hsds/service_at_locations", organization_id=crown_org)["contents"]) == 2
    assert _get(client, "/api/hsds/services", modified_after="2999-01-01")["empty"] is True
    # The fridge was reported on just now: it is among what changed today.
    recent = _get(client, "/api/hsds/services", modified_after="2000-01-01T00:00:00Z")["total_items"]
    assert recent == 4

    page = _get(client, "/api/hsds/services", per_page=3, page=2)
    assert (page["total_items"], page["total_pages"], page["page_number"], page["size"]) == (4, 2, 2, 1)
    assert (page["first_page"], page["last_page"], page["empty"]) == (False, True, False)
    beyond = _get(client, "/api/hsds/services", per_page=3, page=9)
    assert beyond["empty"] is True and beyond["contents"] == []

    for bad in ({"page": "0"}, {"per_page": "x"}, {"modified_after": "yesterday"}):
        response = client.get("/api/hsds/services", bad)
        assert response.status_code == 400, bad
        assert response.json()["detail"] == "bad request" and response.json()["errors"]["__all__"], bad
    spanish = client.get("/api/hsds/services", {"page": "0"}, headers={"Accept-Language": "es"})
    assert spanish.json()["errors"] == {"__all__": ["page y per_page empiezan en 1."]}
    missing = client.get(f"/api/hsds/services/{uuid.uuid4()}")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "not found", "errors": {"__all__": ["Not found."]}}


def test_the_directory_links_to_the_dataset(world: World) -> None:
    directory = Client().get("/directory/")
    assert b'href="/open-data/"' in directory.content
    about = Client().get("/open-data/")
    assert about.status_code == 200
    assert b'href="/open-data/hsds.zip"' in about.content
    assert b'id="category-food"' in about.content
