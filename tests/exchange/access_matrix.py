"""Access rows for the board: posts, claims, conversations, triage, import and export."""

from __future__ import annotations

import base64
from typing import Any

from tests.access import Route, World, crown_slug

SMALL_CSV = base64.b64encode(b"Name,What do you need?,Details\nSam,Food,Two bags\n").decode()


def build(world: World) -> None:
    from mutualaid.exchange import services
    from mutualaid.exchange.models import ImportDraft
    from mutualaid.members.models import Membership
    from tests.conftest import make_user

    ben, ada = world.users["ben"], world.users["ada"]
    fay = make_user("fay")
    Membership.objects.create(user=fay, group=world.crown)

    def post(author: Any, title: str, kind: str = "need", **extra: Any) -> Any:
        return services.post_create(
            group=world.crown,
            author=author,
            data=services.PostInput(kind=kind, category="food", title=title, **extra),
        )

    world.objects["ben_need"] = post(ben, "Groceries for Ben")
    world.objects["fay_need"] = post(fay, "Ride for Fay")
    world.objects["fay_intake"] = post(
        fay, "Groceries for Rosa", on_behalf=services.ContactInput(name="Rosa", phone="347-555-0199")
    )
    world.objects["hidden_need"] = post(ada, "Quiet need", visibility="coordinators")
    world.objects["ada_offer"] = post(ada, "Soup for four", kind="offer")
    world.objects["ben_claim"] = services.claim_create(post=world.ada_offer, claimant=ben)
    world.objects["fay_offer"] = post(fay, "Spare stroller", kind="offer")
    world.objects["ben_claim_on_fay"] = services.claim_create(post=world.fay_offer, claimant=ben)
    world.objects["ada_draft"] = ImportDraft.objects.create(
        group=world.crown, created_by=ada, filename="sheet.csv", content=SMALL_CSV, mapping={}
    )
    world.objects["ben_membership"] = Membership.objects.get(user=ben, group=world.crown)


def post_kw(name: str):  # type: ignore[no-untyped-def]
    return lambda w: {"slug": w.crown.slug, "post_id": getattr(w, name).pk}


def claim_kw(w: World) -> dict[str, object]:
    return {"slug": w.crown.slug, "post_id": w.ada_offer.pk, "claim_id": w.ben_claim.pk}


def fay_claim_kw(w: World) -> dict[str, object]:
    # Ben claimed Fay's offer: only Fay or a coordinator (ada) answers it.
    return {"slug": w.crown.slug, "post_id": w.fay_offer.pk, "claim_id": w.ben_claim_on_fay.pk}


MEMBER = "login 404 404 ok ok"
COORDINATOR = "login 404 404 403 ok"
API_MEMBER = "401 404 404 ok ok"
API_COORDINATOR = "401 404 404 403 ok"
NEW_POST = {
    "kind": "need",
    "category": "food",
    "title": "Bread",
    "quantity": "1",
    "urgency": "today",
    "visibility": "group",
}
# The rest of a whole post for the API's PUT (it refuses a body that leaves a field out).
PUT_REST = {
    "details": "",
    "quantity": 1,
    "unit": "",
    "urgency": "flexible",
    "window_start": None,
    "window_end": None,
    "recurring": False,
    "languages": [],
    "area": "",
    "lat": None,
    "lon": None,
    "max_km": None,
    "address": "",
    "private_note": "",
    "visibility": "group",
}

ROUTES = [
    Route("exchange_board", MEMBER, kwargs=crown_slug, data=lambda w: {"q": "soup", "category": "food"}),
    Route("exchange_mine", MEMBER, kwargs=crown_slug),
    Route("exchange_post_new", MEMBER, kwargs=crown_slug),
    Route(
        "exchange_post_new",
        MEMBER,
        method="POST",
        variant="create",
        kwargs=crown_slug,
        data=lambda w: NEW_POST,
    ),
    Route("exchange_triage", COORDINATOR, kwargs=crown_slug),
    Route("exchange_import", COORDINATOR, kwargs=crown_slug),
    Route(
        "exchange_import",
        COORDINATOR,
        method="POST",
        variant="upload",
        kwargs=crown_slug,
        data=lambda w: {"kind": "need"},
    ),
    Route(
        "exchange_import_preview",
        COORDINATOR,
        kwargs=lambda w: {"slug": w.crown.slug, "draft_id": w.ada_draft.pk},
    ),
    Route(
        "exchange_import_preview",
        COORDINATOR,
        method="POST",
        variant="commit",
        kwargs=lambda w: {"slug": w.crown.slug, "draft_id": w.ada_draft.pk},
        data=lambda w: {"col0": "name", "col1": "category", "col2": "details", "commit": "1"},
    ),
    Route("exchange_export", COORDINATOR, kwargs=crown_slug, data=lambda w: {"format": "csv"}),
    Route("exchange_post", MEMBER, kwargs=post_kw("ben_need")),
    Route(
        "exchange_post", "login 404 404 404 ok", variant="coordinators-only", kwargs=post_kw("hidden_need")
    ),
    Route("exchange_post_edit", "login 404 404 ok ok", kwargs=post_kw("ben_need")),
    Route("exchange_post_edit", "login 404 404 403 ok", variant="others-post", kwargs=post_kw("fay_need")),
    Route(
        "exchange_post_edit",
        "login 404 404 ok ok",
        method="POST",
        variant="save",
        kwargs=post_kw("ben_need"),
        data=lambda w: {**NEW_POST, "title": "Bread and milk"},
    ),
    Route("exchange_contact_edit", "login 404 404 403 ok", kwargs=post_kw("fay_intake")),
    Route(
        "exchange_contact_edit",
        "login 404 404 403 ok",
        method="POST",
        variant="save",
        kwargs=post_kw("fay_intake"),
        data=lambda w: {"name": "Rosa P.", "phone": "347-555-0198"},
    ),
    Route("exchange_claim", MEMBER, method="POST", kwargs=post_kw("fay_need")),
    Route(
        "exchange_assign",
        COORDINATOR,
        method="POST",
        kwargs=post_kw("fay_need"),
        data=lambda w: {"member": w.ben_membership.pk},
    ),
    Route(
        "exchange_act",
        MEMBER,
        method="POST",
        kwargs=post_kw("ben_need"),
        data=lambda w: {"action": "withdraw"},
    ),
    Route(
        "exchange_claim_decide",
        "login 404 404 403 ok",
        method="POST",
        kwargs=fay_claim_kw,
        data=lambda w: {"decision": "accept"},
    ),
    Route("exchange_conversation", MEMBER, kwargs=claim_kw),
    Route(
        "exchange_conversation",
        MEMBER,
        method="POST",
        variant="send",
        kwargs=claim_kw,
        data=lambda w: {"body": "Hi"},
    ),
    Route("exchange_conversation_invite", MEMBER, method="POST", kwargs=claim_kw),
    Route(
        "api:exchange_board",
        API_MEMBER,
        api=True,
        kwargs=crown_slug,
        data=lambda w: {"kind": "need", "q": "ride"},
    ),
    Route(
        "api:exchange_post_create",
        API_MEMBER,
        method="POST",
        api=True,
        kwargs=crown_slug,
        data=lambda w: {"kind": "offer", "category": "transport", "title": "Two seats", "quantity": 2},
    ),
    Route("api:exchange_post_detail", API_MEMBER, api=True, kwargs=post_kw("ben_need")),
    Route(
        "api:exchange_post_update",
        "401 404 404 403 ok",
        method="PUT",
        api=True,
        kwargs=post_kw("fay_need"),
        data=lambda w: {
            "kind": "need",
            "category": "transport",
            "title": "Ride to the clinic",
            **PUT_REST,
        },
    ),
    Route(
        "api:exchange_post_patch",
        "401 404 404 403 ok",
        method="PATCH",
        api=True,
        kwargs=post_kw("fay_need"),
        data=lambda w: {"title": "Ride to the clinic, Tuesday"},
    ),
    Route("api:exchange_contact_detail", "401 404 404 403 ok", api=True, kwargs=post_kw("fay_intake")),
    Route(
        "api:exchange_contact_update",
        "401 404 404 403 ok",
        method="PUT",
        api=True,
        kwargs=post_kw("fay_intake"),
        data=lambda w: {"name": "Rosa P.", "phone": "347-555-0198"},
    ),
    Route("api:exchange_claim_create", API_MEMBER, method="POST", api=True, kwargs=post_kw("fay_need")),
    Route(
        "api:exchange_claim_decide",
        "401 404 404 403 ok",
        method="POST",
        api=True,
        kwargs=fay_claim_kw,
        data=lambda w: {"decision": "accept"},
    ),
    Route(
        "api:exchange_post_assign",
        API_COORDINATOR,
        method="POST",
        api=True,
        kwargs=post_kw("fay_need"),
        data=lambda w: {"member_id": w.ben_membership.pk},
    ),
    Route(
        "api:exchange_post_act",
        API_MEMBER,
        method="POST",
        api=True,
        kwargs=post_kw("ben_need"),
        data=lambda w: {"action": "withdraw"},
    ),
    Route("api:exchange_messages", API_MEMBER, api=True, kwargs=claim_kw),
    Route(
        "api:exchange_message_send",
        API_MEMBER,
        method="POST",
        api=True,
        kwargs=claim_kw,
        data=lambda w: {"body": "Hi"},
    ),
    Route("api:exchange_conversation_invite", API_MEMBER, method="POST", api=True, kwargs=claim_kw),
    Route("api:exchange_triage", API_COORDINATOR, api=True, kwargs=crown_slug),
    Route("api:exchange_export", API_COORDINATOR, api=True, kwargs=crown_slug),
    Route(
        "api:exchange_import",
        API_COORDINATOR,
        method="POST",
        api=True,
        kwargs=crown_slug,
        data=lambda w: {"content_base64": SMALL_CSV, "dry_run": True},
    ),
]
