"""Access rows for the lending library: members of the group see and request items; hand-overs,
returns, repairs, circulation and edits are for a coordinator (or the item's lender, see
tests/lending/test_lending.py); everyone else gets 404 (or the login page)."""

from __future__ import annotations

from typing import Any

from tests.access import Route, World, crown_slug

MEMBER = "login 404 404 ok ok"
MANAGER = "login 404 404 403 ok"
API_MEMBER = "401 404 404 ok ok"
API_MANAGER = "401 404 404 403 ok"


def build(world: World) -> None:
    from mutualaid.lending import services

    ada, ben = world.users["ada"], world.users["ben"]
    drill = services.item_create(group=world.crown, actor=ada, data=services.ItemInput(name="Drill"))
    saw = services.item_create(group=world.crown, actor=ada, data=services.ItemInput(name="Saw"))
    ladder = services.item_create(group=world.crown, actor=ada, data=services.ItemInput(name="Ladder"))
    held = services.request(item=drill, member=ben)
    out = services.lend(loan=services.request(item=saw, member=ben), actor=ada)
    from mutualaid.core import photos
    from mutualaid.lending.models import Item
    from tests.hubs.conftest import image_bytes

    Item.objects.filter(pk=ladder.pk).update(photo=photos.sealed(image_bytes(size=(40, 30))))
    world.objects.update({"lend_drill": drill, "lend_ladder": ladder, "lend_held": held, "lend_out": out})


def item(name: str) -> Any:
    return lambda w: {"slug": w.crown.slug, "item_id": getattr(w, name).pk}


def loan(name: str, action: str) -> Any:
    return lambda w: {"slug": w.crown.slug, "loan_id": getattr(w, name).pk, "action": action}


def api_loan(name: str) -> Any:
    return lambda w: {"slug": w.crown.slug, "loan_id": getattr(w, name).pk}


ROUTES = [
    Route("lending_list", MEMBER, kwargs=crown_slug),
    Route("lending_new", MEMBER, kwargs=crown_slug),
    Route(
        "lending_new",
        MEMBER,
        method="POST",
        kwargs=crown_slug,
        data=lambda w: {"name": "Tent", "condition": "good", "loan_days": "7", "own": "on"},
    ),
    Route("lending_item", MEMBER, kwargs=item("lend_drill")),
    Route("lending_edit", MANAGER, kwargs=item("lend_drill")),
    Route(
        "lending_edit",
        MANAGER,
        method="POST",
        kwargs=item("lend_drill"),
        data=lambda w: {"name": "Drill", "condition": "worn", "loan_days": "7"},
    ),
    Route("lending_photo", MEMBER, kwargs=item("lend_ladder")),
    Route("lending_photo_upload", "405 405 405 405 405", kwargs=item("lend_drill"), variant="get"),
    Route(
        "lending_photo_upload",
        MANAGER,
        method="POST",
        kwargs=item("lend_drill"),
        data=lambda w: {"remove": "on"},
    ),
    Route("lending_request", "login 405 405 405 405", kwargs=item("lend_ladder"), variant="get"),
    Route("lending_request", MEMBER, method="POST", kwargs=item("lend_ladder")),
    Route("lending_loan", MANAGER, method="POST", kwargs=loan("lend_held", "lend")),
    Route("lending_loan", MEMBER, method="POST", kwargs=loan("lend_held", "cancel"), variant="cancel"),
    Route("lending_loan", MANAGER, method="POST", kwargs=loan("lend_out", "return"), variant="return"),
    Route(
        "lending_repair",
        MANAGER,
        method="POST",
        kwargs=item("lend_drill"),
        data=lambda w: {"note": "New chuck", "condition": "good"},
    ),
    Route("lending_circulation", MANAGER, method="POST", kwargs=item("lend_drill"), data=lambda w: {}),
    # API
    Route("api:lending_items", API_MEMBER, api=True, kwargs=crown_slug),
    Route(
        "api:lending_create",
        API_MEMBER,
        method="POST",
        api=True,
        kwargs=crown_slug,
        data=lambda w: {"name": "Tent", "own": True},
    ),
    Route("api:lending_detail", API_MEMBER, api=True, kwargs=item("lend_drill")),
    Route(
        "api:lending_update",
        API_MANAGER,
        method="PATCH",
        api=True,
        kwargs=item("lend_drill"),
        data=lambda w: {"condition": "worn"},
    ),
    Route(
        "api:lending_photo",
        API_MANAGER,
        method="PUT",
        api=True,
        kwargs=item("lend_drill"),
        data=lambda w: {"photo": None},
    ),
    Route("api:lending_request", API_MEMBER, method="POST", api=True, kwargs=item("lend_ladder")),
    Route("api:lending_lend", API_MANAGER, method="POST", api=True, kwargs=api_loan("lend_held")),
    Route("api:lending_return", API_MANAGER, method="POST", api=True, kwargs=api_loan("lend_out")),
    Route("api:lending_cancel", API_MEMBER, method="POST", api=True, kwargs=api_loan("lend_held")),
    Route(
        "api:lending_repair",
        API_MANAGER,
        method="POST",
        api=True,
        kwargs=item("lend_drill"),
        data=lambda w: {"note": "New chuck", "condition": "good"},
    ),
    Route(
        "api:lending_circulation",
        API_MANAGER,
        method="POST",
        api=True,
        kwargs=item("lend_drill"),
        data=lambda w: {"in_circulation": False},
    ),
]
