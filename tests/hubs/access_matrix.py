"""Access rows for hubs: the public find pages, a group's hubs, a hub's page, the report form and
photos (anyone for public hubs; members only for members-only hubs), the coordinators' forms, and the
API (public finding and reporting without a token)."""

from __future__ import annotations

from typing import Any

from tests.access import Route, World, crown_slug

ANYONE = "ok ok ok ok ok"
MEMBER = "login 404 404 ok ok"
MEMBERS_ONLY = "404 404 404 ok ok"
COORDINATOR = "login 404 404 403 ok"
API_MEMBER = "401 404 404 ok ok"
API_COORDINATOR = "401 404 404 403 ok"


def build(world: World) -> None:
    from mutualaid.hubs import services
    from tests.hubs.conftest import image_bytes

    ada = world.users["ada"]
    fridge = services.hub_create(
        group=world.crown,
        actor=ada,
        data=services.HubInput(name="Franklin fridge", public=True, address="801 Franklin Ave", area="11216"),
    )
    backroom = services.hub_create(
        group=world.crown,
        actor=ada,
        data=services.HubInput(name="Backroom", kind="pantry", public=False, address="12 Secret Lane"),
    )
    import datetime

    closure = services.closure_add(
        hub=fridge, actor=ada, starts_on=datetime.date(2030, 1, 1), ends_on=None, reason="New year"
    )
    rice = services.stock_item_create(hub=backroom, actor=ada, name="Rice", unit="kg", low_at=2)
    services.movement_record(item=rice, actor=ada, kind="in", amount=50)
    from tests.helpers import make_post

    world.objects.update(
        {
            "hub_offer": make_post(world.crown, world.users["ben"], "Crate of apples", kind="offer"),
            "hub_rice": rice,
            "hub_fridge": fridge,
            "hub_backroom": backroom,
            "hub_closure": closure,
            "hub_fridge_report": services.report_create(
                hub=fridge, condition="good", food_level=3, photo=image_bytes(size=(40, 30))
            ),
            "hub_backroom_report": services.report_create(
                hub=backroom, condition="good", food_level=3, photo=image_bytes(size=(40, 30)), member=ada
            ),
        }
    )


def fridge(w: World) -> dict[str, Any]:
    return {"slug": w.crown.slug, "hub_id": w.hub_fridge.pk}


def backroom(w: World) -> dict[str, Any]:
    return {"slug": w.crown.slug, "hub_id": w.hub_backroom.pk}


def hub_data(w: World) -> dict[str, Any]:
    return {
        "name": "Nostrand pantry",
        "kind": "pantry",
        "public": "on",
        "area": "11225",
        "hours": "mon-fri 09:00-17:00",
        "restock_category": "food",
        "restock_quantity": "2",
        "active": "on",
    }


def report_data(w: World) -> dict[str, Any]:
    return {"condition": "good", "food_level": "2"}


ROUTES = [
    Route("hubs_find", ANYONE),
    Route("hubs_find", ANYONE, data=lambda w: {"q": "11216"}, variant="near"),
    Route("hubs_list", ANYONE, kwargs=crown_slug),
    Route("hubs_new", COORDINATOR, kwargs=crown_slug),
    Route("hubs_new", COORDINATOR, method="POST", kwargs=crown_slug, data=hub_data),
    Route("hubs_hub", ANYONE, kwargs=fridge),
    Route("hubs_hub", MEMBERS_ONLY, kwargs=backroom, variant="members-only"),
    Route("hubs_edit", COORDINATOR, kwargs=fridge),
    Route("hubs_edit", COORDINATOR, method="POST", kwargs=fridge, data=hub_data),
    Route("hubs_closure_new", "login 405 405 405 405", kwargs=fridge, variant="get"),
    Route(
        "hubs_closure_new",
        COORDINATOR,
        method="POST",
        kwargs=fridge,
        data=lambda w: {"starts_on": "2030-12-25", "reason": "Holiday"},
    ),
    Route(
        "hubs_closure_delete",
        COORDINATOR,
        method="POST",
        kwargs=lambda w: {"slug": w.crown.slug, "closure_id": w.hub_closure.pk},
    ),
    Route("hubs_report", ANYONE, kwargs=fridge),
    Route("hubs_report", ANYONE, method="POST", kwargs=fridge, data=report_data),
    Route("hubs_report", MEMBERS_ONLY, kwargs=backroom, variant="members-only"),
    Route(
        "hubs_report", MEMBERS_ONLY, method="POST", kwargs=backroom, data=report_data, variant="members-only"
    ),
    Route("hubs_photo", ANYONE, kwargs=lambda w: {"slug": w.crown.slug, "report_id": w.hub_fridge_report.pk}),
    Route(
        "hubs_photo",
        MEMBERS_ONLY,
        kwargs=lambda w: {"slug": w.crown.slug, "report_id": w.hub_backroom_report.pk},
        variant="members-only",
    ),
    Route("hubs_stock", MEMBER, kwargs=backroom),
    Route(
        "hubs_stock",
        MEMBER,
        method="POST",
        kwargs=backroom,
        data=lambda w: {"action": "move", "item": w.hub_rice.pk, "kind": "out", "amount": "1"},
    ),
    Route(
        "hubs_stock",
        COORDINATOR,
        method="POST",
        kwargs=backroom,
        data=lambda w: {"action": "add", "name": "Beans", "low_at": "0"},
        variant="add",
    ),
    # Pointing an offer at a hub: its author only; taking it off, its author or a coordinator.
    Route("hubs_offer_point", "login 405 405 405 405", kwargs=fridge, variant="get"),
    Route(
        "hubs_offer_point",
        "login 404 404 ok 403",
        method="POST",
        kwargs=fridge,
        data=lambda w: {"post": w.hub_offer.pk},
    ),
    Route(
        "hubs_offer_unpoint",
        "login 404 404 ok ok",
        method="POST",
        kwargs=lambda w: {"slug": w.crown.slug, "hub_id": w.hub_fridge.pk, "post_id": w.hub_offer.pk},
    ),
    Route("api:hubs_pointed_offers", API_MEMBER, api=True, kwargs=fridge),
    Route(
        "api:hubs_offer_point",
        "401 404 404 ok 403",
        method="POST",
        api=True,
        kwargs=fridge,
        data=lambda w: {"post_id": w.hub_offer.pk},
    ),
    Route(
        "api:hubs_offer_unpoint",
        "401 404 404 ok ok",
        method="DELETE",
        api=True,
        kwargs=lambda w: {"slug": w.crown.slug, "hub_id": w.hub_fridge.pk, "post_id": w.hub_offer.pk},
    ),
    Route("hubs_stock_sheet", MEMBER, kwargs=backroom),
    Route("hubs_stock_count", MEMBER, kwargs=backroom),
    Route(
        "hubs_stock_count",
        MEMBER,
        method="POST",
        kwargs=backroom,
        data=lambda w: {f"item_{w.hub_rice.pk}": "40"},
    ),
    # API
    Route("api:hubs_find", ANYONE, api=True, data=lambda w: {"q": "11216"}),
    Route("api:hubs_public_detail", ANYONE, api=True, kwargs=lambda w: {"hub_id": w.hub_fridge.pk}),
    Route(
        "api:hubs_public_detail",
        "404 404 404 404 404",
        api=True,
        kwargs=lambda w: {"hub_id": w.hub_backroom.pk},
        variant="members-only",
    ),
    Route(
        "api:hubs_public_report",
        ANYONE,
        method="POST",
        api=True,
        kwargs=lambda w: {"hub_id": w.hub_fridge.pk},
        data=lambda w: {"condition": "good", "food_level": 2},
    ),
    Route(
        "api:hubs_public_report",
        "404 404 404 404 404",
        method="POST",
        api=True,
        kwargs=lambda w: {"hub_id": w.hub_backroom.pk},
        data=lambda w: {"condition": "good", "food_level": 2},
        variant="members-only",
    ),
    Route("api:hubs_public_report_challenge", ANYONE, api=True, kwargs=lambda w: {"hub_id": w.hub_fridge.pk}),
    Route(
        "api:hubs_public_report_challenge",
        "404 404 404 404 404",
        api=True,
        kwargs=lambda w: {"hub_id": w.hub_backroom.pk},
        variant="members-only",
    ),
    Route("api:hubs_group_list", API_MEMBER, api=True, kwargs=crown_slug),
    Route(
        "api:hubs_create",
        API_COORDINATOR,
        method="POST",
        api=True,
        kwargs=crown_slug,
        data=lambda w: {"name": "Nostrand pantry", "kind": "pantry", "area": "11225"},
    ),
    Route("api:hubs_detail", API_MEMBER, api=True, kwargs=backroom),
    Route(
        "api:hubs_update",
        API_COORDINATOR,
        method="PATCH",
        api=True,
        kwargs=fridge,
        data=lambda w: {"takes": "Bread"},
    ),
    Route(
        "api:hubs_report",
        API_MEMBER,
        method="POST",
        api=True,
        kwargs=backroom,
        data=lambda w: {"condition": "good", "food_level": 2},
    ),
    Route("api:hubs_stock", API_MEMBER, api=True, kwargs=backroom),
    Route(
        "api:hubs_stock_item_create",
        API_COORDINATOR,
        method="POST",
        api=True,
        kwargs=backroom,
        data=lambda w: {"name": "Beans", "unit": "cans", "low_at": 3},
    ),
    Route(
        "api:hubs_stock_move",
        API_MEMBER,
        method="POST",
        api=True,
        kwargs=backroom,
        data=lambda w: {"item_id": w.hub_rice.pk, "kind": "out", "amount": 1},
    ),
    Route(
        "api:hubs_stock_count",
        API_MEMBER,
        method="POST",
        api=True,
        kwargs=backroom,
        data=lambda w: {"counts": {str(w.hub_rice.pk): 40}},
    ),
]
