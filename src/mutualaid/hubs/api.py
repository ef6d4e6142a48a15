"""Hubs in the JSON API: the same services and rules as the pages. Finding public hubs and reporting
on them need no token (like the pages); a group's members-only hubs need a member's token, and
changing a hub a coordinator's. A report's photo comes as base64 text inside the JSON body (held in
memory, cleaned by core.photos like the form's)."""

from __future__ import annotations

import datetime
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query as NinjaQuery
from ninja import Router, Schema, Status

from mutualaid.core import photos, proofofwork
from mutualaid.core.geo import haversine_km
from mutualaid.exchange.models import Post
from mutualaid.groups.access import get_group_for_coordinator, get_group_for_member
from mutualaid.hubs import access, selectors, services
from mutualaid.hubs import hours as opening
from mutualaid.hubs.models import Hub, Movement, StockItem
from mutualaid.members.models import User

router = Router(tags=["hubs"])


class HubIn(Schema):
    name: str
    kind: str = "fridge"
    public: bool = True
    address: str = ""
    area: str = ""
    hours: str = ""
    accessibility: str = ""
    takes: str = ""
    refuses: str = ""
    restock_category: str = "food"
    restock_quantity: int = 1
    restock_unit: str = ""
    active: bool = True


class HubChangeIn(Schema):
    name: str | None = None
    kind: str | None = None
    public: bool | None = None
    address: str | None = None
    area: str | None = None
    hours: str | None = None
    accessibility: str | None = None
    takes: str | None = None
    refuses: str | None = None
    restock_category: str | None = None
    restock_quantity: int | None = None
    restock_unit: str | None = None
    active: bool | None = None


class HubSummaryOut(Schema):
    id: int
    group: str
    name: str
    kind: str
    public: bool
    area: str
    lat: float | None
    lon: float | None
    distance_km: float | None
    last_report_at: datetime.datetime | None
    last_condition: str
    last_food_level: int | None
    confirmed_this_week: bool


class HubOut(HubSummaryOut):
    address: str
    hours: dict[str, list[str]]
    accessibility: str
    takes: str
    refuses: str
    open_now: bool
    restock_need_id: int | None


class HubsOut(Schema):
    place: str | None
    place_unknown: bool
    hubs: list[HubSummaryOut]


class HubReportIn(Schema):
    condition: str
    food_level: int
    note: str = ""
    # Optional photo: a JPEG or PNG file as base64 text (cleaned like the form's: resized, no metadata).
    photo: str | None = None
    # Optional proof of work (anonymous reports): a challenge from `GET /hubs/{id}/reports/challenge` and
    # its answer. With a valid, unspent one the report counts against the larger proved pool, as the
    # page's does; without one, against the plain limit (core.proofofwork).
    proof_challenge: str = ""
    proof_solution: str = ""


class HubReportChallengeOut(Schema):
    challenge: str
    bits: int
    max_age_seconds: int
    how: str


class HubReportOut(Schema):
    id: int
    hub_id: int
    condition: str
    food_level: int
    created_at: datetime.datetime
    has_photo: bool
    restock_need_id: int | None


def _summary(hub: Hub, distance: float | None = None) -> dict[str, Any]:
    return {
        "id": hub.pk,
        "group": hub.group.slug,
        "name": hub.name or "",
        "kind": hub.kind,
        "public": hub.public,
        "area": hub.area,
        "lat": hub.lat,
        "lon": hub.lon,
        "distance_km": distance,
        "last_report_at": hub.last_report_at,
        "last_condition": hub.last_condition,
        "last_food_level": hub.last_food_level,
        "confirmed_this_week": selectors.is_fresh(hub),
    }


def _detail(hub: Hub, member: bool) -> dict[str, Any]:
    restock = hub.restock_post if hub.restock_post_id else None
    return {
        **_summary(hub),
        "address": (hub.street_address if hub.public else (hub.sealed_address if member else "")) or "",
        "hours": hub.hours,
        "accessibility": hub.accessibility or "",
        "takes": hub.takes or "",
        "refuses": hub.refuses or "",
        "open_now": selectors.open_now(hub),
        "restock_need_id": restock.pk if restock is not None and restock.is_active and member else None,
    }


def _find(request: HttpRequest, q: str, group: Any = None) -> dict[str, Any]:
    place = selectors.find_place(q[:100], group) if q else None
    results = selectors.hubs_near(user=request.user, place=place, group=group)  # type: ignore[arg-type]
    return {
        "place": place.label if place else None,
        "place_unknown": bool(q) and place is None,
        "hubs": [_summary(r.hub, r.distance_km) for r in results],
    }


@router.get("/hubs", response=HubsOut, auth=None, summary="Find public fridges and pantries near a place")
def hubs_find(request: HttpRequest, q: Annotated[str, NinjaQuery(max_length=100)] = "") -> dict[str, Any]:
    return _find(request, q)


@router.get("/hubs/{hub_id}", response=HubOut, auth=None, summary="A public hub")
def hubs_public_detail(
    request: HttpRequest, hub_id: int, q: Annotated[str, NinjaQuery(max_length=100)] = ""
) -> dict[str, Any]:
    """A public hub; with `q` (a postal code or place), its distance from there."""
    hub = (
        Hub.objects.select_related("group", "restock_post")
        .filter(pk=hub_id, public=True, active=True)
        .first()
    )
    if hub is None:
        raise Http404
    detail = _detail(hub, member=False)
    place = selectors.find_place(q) if q else None
    if place is not None and hub.lat is not None and hub.lon is not None:
        detail["distance_km"] = round(haversine_km(place.lat, place.lon, hub.lat, hub.lon), 1)
    return detail


@router.post(
    "/hubs/{hub_id}/reports",
    response={201: HubReportOut},
    auth=None,
    summary="Report on a public hub (no account needed)",
)
def hubs_public_report(request: HttpRequest, hub_id: int, payload: HubReportIn) -> Status[dict[str, Any]]:
    hub = Hub.objects.select_related("group").filter(pk=hub_id, public=True, active=True).first()
    if hub is None:
        raise Http404
    return _report(hub, payload, None)


@router.get(
    "/hubs/{hub_id}/reports/challenge",
    response=HubReportChallengeOut,
    auth=None,
    summary="A proof-of-work challenge for one anonymous report on a public hub",
)
def hubs_public_report_challenge(request: HttpRequest, hub_id: int) -> dict[str, Any]:
    """The same signed, one-use challenge the report page carries. Find a decimal counter N such that
    SHA-256 of the text `<challenge>:<N>` starts with `bits` zero bits, and send the challenge and N as
    `proof_challenge` and `proof_solution` with the report, within `max_age_seconds`. The number of
    bits rises as the hub's proved pool fills."""
    hub = Hub.objects.filter(pk=hub_id, public=True, active=True).first()
    if hub is None:
        raise Http404
    challenge = services.report_challenge(hub)
    return {
        "challenge": challenge,
        "bits": proofofwork.bits(challenge),
        "max_age_seconds": proofofwork.MAX_AGE,
        "how": "sha256(challenge + ':' + counter) starts with `bits` zero bits; counter in decimal",
    }


def _report(hub: Hub, payload: HubReportIn, member: User | None) -> Status[dict[str, Any]]:
    try:
        photo = photos.from_api(payload.photo) if payload.photo else None
    except photos.PhotoRefused as exc:
        raise ValidationError({"photo": [str(exc.message)]}) from None
    report = services.report_create(
        hub=hub,
        condition=payload.condition,
        food_level=payload.food_level,
        note=payload.note,
        photo=photo,
        member=member,
        proof=(payload.proof_challenge, payload.proof_solution) if member is None else None,
    )
    hub.refresh_from_db(fields=["restock_post"])
    restock = hub.restock_post
    return Status(
        201,
        {
            "id": report.pk,
            "hub_id": hub.pk,
            "condition": report.condition,
            "food_level": report.food_level,
            "created_at": report.created_at,
            "has_photo": bool(report.photo),
            "restock_need_id": restock.pk if restock is not None and restock.is_active else None,
        },
    )


@router.get("/groups/{slug}/hubs", response=HubsOut, summary="A group's hubs (members-only ones too)")
def hubs_group_list(
    request: HttpRequest, slug: str, q: Annotated[str, NinjaQuery(max_length=100)] = ""
) -> dict[str, Any]:
    group, _membership = get_group_for_member(request.user, slug)  # type: ignore[arg-type]
    return _find(request, q, group)


@router.post("/groups/{slug}/hubs", response={201: HubOut}, summary="Set up a hub (coordinators)")
def hubs_create(request: HttpRequest, slug: str, payload: HubIn) -> Status[dict[str, Any]]:
    group, _membership = get_group_for_coordinator(request.user, slug)  # type: ignore[arg-type]
    hub = services.hub_create(group=group, actor=request.user, data=services.HubInput(**payload.dict()))  # type: ignore[arg-type]
    return Status(201, _detail(hub, member=True))


@router.get("/groups/{slug}/hubs/{hub_id}", response=HubOut, summary="A hub of the group")
def hubs_detail(request: HttpRequest, slug: str, hub_id: int) -> dict[str, Any]:
    get_group_for_member(request.user, slug)  # type: ignore[arg-type]
    hub, membership = access.get_hub_for_viewer(request.user, slug, hub_id)  # type: ignore[arg-type]
    return _detail(hub, member=membership is not None)


@router.patch("/groups/{slug}/hubs/{hub_id}", response=HubOut, summary="Change a hub (coordinators)")
def hubs_update(request: HttpRequest, slug: str, hub_id: int, payload: HubChangeIn) -> dict[str, Any]:
    hub = access.get_hub_for_coordinator(request.user, slug, hub_id)  # type: ignore[arg-type]
    current = {
        "name": hub.name or "",
        "kind": hub.kind,
        "public": hub.public,
        "address": (hub.street_address if hub.public else hub.sealed_address) or "",
        "area": hub.area,
        "hours": opening.unparse(hub.hours),
        "accessibility": hub.accessibility or "",
        "takes": hub.takes or "",
        "refuses": hub.refuses or "",
        "restock_category": hub.restock_category,
        "restock_quantity": hub.restock_quantity,
        "restock_unit": hub.restock_unit,
        "active": hub.active,
    }
    current.update(payload.dict(exclude_none=True))
    hub = services.hub_update(hub=hub, actor=request.user, data=services.HubInput(**current))  # type: ignore[arg-type]
    return _detail(hub, member=True)


@router.post(
    "/groups/{slug}/hubs/{hub_id}/reports",
    response={201: HubReportOut},
    summary="Report on a hub of the group",
)
def hubs_report(request: HttpRequest, slug: str, hub_id: int, payload: HubReportIn) -> Status[dict[str, Any]]:
    get_group_for_member(request.user, slug)  # type: ignore[arg-type]
    hub, _membership = access.get_hub_for_viewer(request.user, slug, hub_id)  # type: ignore[arg-type]
    return _report(hub, payload, request.user)  # type: ignore[arg-type]


class StockItemIn(Schema):
    name: str
    unit: str = ""
    low_at: int = 0


class StockItemOut(Schema):
    id: int
    name: str
    unit: str
    quantity: int
    low_at: int
    low: bool


class MovementIn(Schema):
    item_id: int
    kind: str
    amount: int


class MovementOut(Schema):
    id: int
    item_id: int
    kind: str
    change: int
    quantity_after: int
    created_at: datetime.datetime


class CountIn(Schema):
    counts: dict[int, int]


def _item_out(item: StockItem) -> dict[str, Any]:
    return {
        "id": item.pk,
        "name": item.name or "",
        "unit": item.unit or "",
        "quantity": item.quantity,
        "low_at": item.low_at,
        "low": bool(item.low_at) and item.quantity < item.low_at,
    }


def _movement_out(movement: Movement) -> dict[str, Any]:
    return {
        "id": movement.pk,
        "item_id": movement.item_id,
        "kind": movement.kind,
        "change": movement.change,
        "quantity_after": movement.quantity_after,
        "created_at": movement.created_at,
    }


@router.get(
    "/groups/{slug}/hubs/{hub_id}/stock", response=list[StockItemOut], summary="A hub's stock (members)"
)
def hubs_stock(request: HttpRequest, slug: str, hub_id: int) -> list[dict[str, Any]]:
    hub, _membership = access.get_hub_for_member(request.user, slug, hub_id)  # type: ignore[arg-type]
    return [_item_out(i) for i in StockItem.objects.filter(hub=hub, active=True)]


@router.post(
    "/groups/{slug}/hubs/{hub_id}/stock/items",
    response={201: StockItemOut},
    summary="Add a stock item (coordinators)",
)
def hubs_stock_item_create(
    request: HttpRequest, slug: str, hub_id: int, payload: StockItemIn
) -> Status[dict[str, Any]]:
    hub, _membership = access.get_hub_for_member(request.user, slug, hub_id)  # type: ignore[arg-type]
    item = services.stock_item_create(hub=hub, actor=request.user, **payload.dict())  # type: ignore[arg-type]
    return Status(201, _item_out(item))


@router.post(
    "/groups/{slug}/hubs/{hub_id}/stock/movements",
    response={201: MovementOut},
    summary="Record stock in or out (members)",
)
def hubs_stock_move(
    request: HttpRequest, slug: str, hub_id: int, payload: MovementIn
) -> Status[dict[str, Any]]:
    hub, _membership = access.get_hub_for_member(request.user, slug, hub_id)  # type: ignore[arg-type]
    item = StockItem.objects.filter(hub=hub, pk=payload.item_id).first()
    if item is None:
        raise Http404
    movement = services.movement_record(
        item=item,
        actor=request.user,  # type: ignore[arg-type]
        kind=payload.kind,
        amount=payload.amount,
    )
    return Status(201, _movement_out(movement))


@router.post(
    "/groups/{slug}/hubs/{hub_id}/stock/counts",
    response={201: list[MovementOut]},
    summary="Record a count of the shelves (members)",
)
def hubs_stock_count(
    request: HttpRequest, slug: str, hub_id: int, payload: CountIn
) -> Status[list[dict[str, Any]]]:
    hub, _membership = access.get_hub_for_member(request.user, slug, hub_id)  # type: ignore[arg-type]
    moved = services.count_record(hub=hub, actor=request.user, counts=payload.counts)  # type: ignore[arg-type]
    return Status(201, [_movement_out(m) for m in moved])


class HubPointedOfferIn(Schema):
    post_id: int


class HubPointedOfferOut(Schema):
    post_id: int
    title: str
    category: str
    quantity: int
    since: datetime.datetime


def _pointed_out(pointed: Any) -> dict[str, Any]:
    post = pointed.post
    return {
        "post_id": post.pk,
        "title": post.title,
        "category": post.category,
        "quantity": post.quantity,
        "since": pointed.created_at,
    }


@router.get(
    "/groups/{slug}/hubs/{hub_id}/offers",
    response=list[HubPointedOfferOut],
    summary="Offers members pointed at a hub (members)",
)
def hubs_pointed_offers(request: HttpRequest, slug: str, hub_id: int) -> list[dict[str, Any]]:
    hub, _membership = access.get_hub_for_member(request.user, slug, hub_id)  # type: ignore[arg-type]
    return [_pointed_out(p) for p in selectors.pointed_offers(hub)]


@router.post(
    "/groups/{slug}/hubs/{hub_id}/offers",
    response={201: HubPointedOfferOut},
    summary="Point one of your offers at a hub",
)
def hubs_offer_point(
    request: HttpRequest, slug: str, hub_id: int, payload: HubPointedOfferIn
) -> Status[dict[str, Any]]:
    hub, _membership = access.get_hub_for_member(request.user, slug, hub_id)  # type: ignore[arg-type]
    post = Post.objects.filter(pk=payload.post_id, group_id=hub.group_id).first()
    if post is None:
        raise ValidationError({"post_id": _("Choose one of your offers in this group.")})
    pointed = services.offer_point(hub=hub, post=post, actor=request.user)  # type: ignore[arg-type]
    return Status(201, _pointed_out(pointed))


@router.delete(
    "/groups/{slug}/hubs/{hub_id}/offers/{post_id}",
    response={204: None},
    summary="An offer is no longer meant for a hub (its author or coordinators)",
)
def hubs_offer_unpoint(request: HttpRequest, slug: str, hub_id: int, post_id: int) -> Status[None]:
    hub, _membership = access.get_hub_for_member(request.user, slug, hub_id)  # type: ignore[arg-type]
    post = Post.objects.filter(pk=post_id, group_id=hub.group_id).first()
    if post is None:
        raise Http404
    services.offer_unpoint(hub=hub, post=post, actor=request.user)  # type: ignore[arg-type]
    return Status(204, None)
