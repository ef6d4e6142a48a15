"""Access rows for open data: the open-data page, the HSDS dataset and API and a group's published
offers are public and read-only (the same for everyone, as the directory is); the publishing choice is
the coordinators'."""

from __future__ import annotations

from typing import Any

from tests.access import Route, World, crown_slug

ANYONE = "ok ok ok ok ok"
COORDINATOR = "login 404 404 403 ok"
API_COORDINATOR = "401 404 404 403 ok"
BASE = "http://testserver"


def build(world: World) -> None:
    from mutualaid.hubs import services as hubs
    from mutualaid.opendata.services import publishing_set

    hub = hubs.hub_create(
        group=world.crown,
        actor=world.users["ada"],
        data=hubs.HubInput(name="Open data fridge", address="1 Open Street", area="11216"),
    )
    publishing_set(group=world.crown, actor=world.users["ada"], publish_offers=True)
    world.objects["opendata_hub"] = hub


def _id(kind: str, key: Any) -> dict[str, Any]:
    from mutualaid.opendata.hsds import record_id

    return {"record_id": record_id(BASE, kind, key)}


ROUTES = [
    Route("opendata_index", ANYONE),
    Route("opendata_dataset", ANYONE),
    Route("hsds_root", ANYONE),
    Route("hsds_organizations", ANYONE, data=lambda w: {"search": "crown", "page": "1"}),
    Route("hsds_organization", ANYONE, kwargs=lambda w: _id("organization", w.crown.pk)),
    Route("hsds_services", ANYONE, data=lambda w: {"modified_after": "2000-01-01"}),
    Route("hsds_service", ANYONE, kwargs=lambda w: _id("service", f"group:{w.crown.pk}")),
    Route("hsds_service_at_locations", ANYONE),
    Route(
        "hsds_service_at_location",
        ANYONE,
        kwargs=lambda w: _id("service_at_location", f"hub:{w.opendata_hub.pk}"),
    ),
    Route("hsds_taxonomies", ANYONE),
    Route("hsds_taxonomy", ANYONE, kwargs=lambda w: _id("taxonomy", "categories")),
    Route("hsds_taxonomy_terms", ANYONE),
    Route("hsds_taxonomy_term", ANYONE, kwargs=lambda w: _id("taxonomy_term", "food")),
    Route("opendata_offers", ANYONE, kwargs=crown_slug),
    Route("opendata_publishing", COORDINATOR, kwargs=crown_slug),
    Route(
        "opendata_publishing",
        COORDINATOR,
        method="POST",
        variant="save",
        kwargs=crown_slug,
        data=lambda w: {"publish_offers": "on"},
    ),
    Route("api:opendata_publishing_get", API_COORDINATOR, api=True, kwargs=crown_slug),
    Route(
        "api:opendata_publishing_put",
        API_COORDINATOR,
        method="PUT",
        api=True,
        kwargs=crown_slug,
        data=lambda w: {"publish_offers": False},
    ),
]
