"""Housing in the JSON API: the same services and rules as the pages. Offers exist for their host and
the group's coordinators only; a stay for those and its guest (who gets the address once arranged)."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status

from mutualaid.exchange.models import Post
from mutualaid.groups.access import get_group_for_member
from mutualaid.housing import access, selectors, services, states
from mutualaid.housing.models import Offer, Stay
from mutualaid.members.models import User

router = Router(tags=["housing"])


class OfferIn(Schema):
    address: str
    kind: str = "room"
    max_nights: int = 3
    who: str = ""
    accessibility: str = ""
    pets: str = ""
    languages: str = ""


class OfferOut(Schema):
    id: int
    kind: str
    max_nights: int
    active: bool
    free: bool
    host: str
    address: str
    who: str
    accessibility: str
    pets: str
    languages: str


class StayIn(Schema):
    need_id: int
    starts_on: datetime.date
    ends_on: datetime.date
    checkin_every_days: int = 2


class StepIn(Schema):
    all_well: bool = True
    note: str = ""
    # The state the caller last saw; when given, the step applies only if the stay is still in it.
    seen_state: str | None = None


class StayOut(Schema):
    id: int
    offer_id: int
    need_id: int | None
    state: str
    starts_on: datetime.date
    ends_on: datetime.date
    host_agreed: bool
    proposed_by_me: bool
    confirmed_at: datetime.datetime | None
    address: str | None
    next_checkin_due: datetime.datetime


def _offer(offer: Offer, user: User) -> dict[str, Any]:
    return {
        "id": offer.pk,
        "kind": offer.kind,
        "max_nights": offer.max_nights,
        "active": offer.active,
        "free": selectors.is_free(offer),
        "host": offer.host.display_name or offer.host.username,
        "address": selectors.offer_address(offer, user),
        "who": offer.who or "",
        "accessibility": offer.accessibility or "",
        "pets": offer.pets or "",
        "languages": offer.languages or "",
    }


def _stay(stay: Stay, user: User, coordinator: bool) -> dict[str, Any]:
    return {
        "id": stay.pk,
        "offer_id": stay.offer_id,
        "need_id": stay.need_id,
        "state": stay.state,
        "starts_on": stay.starts_on,
        "ends_on": stay.ends_on,
        "host_agreed": stay.host_agreed_at is not None,
        "proposed_by_me": stay.proposed_by_id == user.pk,
        "confirmed_at": stay.confirmed_at,
        "address": selectors.address_for(stay, user, coordinator=coordinator),
        "next_checkin_due": services.checkin_due_at(stay),
    }


@router.get(
    "/groups/{slug}/housing/offers",
    response=list[OfferOut],
    summary="Housing offers (yours; all for coordinators)",
)
def housing_offers(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    user: User = request.user  # type: ignore[assignment]
    group, _membership = get_group_for_member(user, slug)
    coordinator = services.is_coordinator(user, group.pk)
    return [_offer(o, user) for o in selectors.offers_for(group, user, coordinator=coordinator)]


@router.post("/groups/{slug}/housing/offers", response={201: OfferOut}, summary="Offer a place to stay")
def housing_offer_create(request: HttpRequest, slug: str, payload: OfferIn) -> Status[dict[str, Any]]:
    user: User = request.user  # type: ignore[assignment]
    group, _membership = get_group_for_member(user, slug)
    offer = services.offer_create(group=group, host=user, data=services.OfferInput(**payload.dict()))
    return Status(201, _offer(offer, user))


@router.get("/groups/{slug}/housing/offers/{offer_id}", response=OfferOut, summary="A housing offer")
def housing_offer_detail(request: HttpRequest, slug: str, offer_id: int) -> dict[str, Any]:
    user: User = request.user  # type: ignore[assignment]
    offer, _coordinator = access.get_offer(user, slug, offer_id)
    return _offer(offer, user)


@router.put(
    "/groups/{slug}/housing/offers/{offer_id}",
    response=OfferOut,
    summary="Edit a housing offer (the host or coordinators)",
)
def housing_offer_update(request: HttpRequest, slug: str, offer_id: int, payload: OfferIn) -> dict[str, Any]:
    user: User = request.user  # type: ignore[assignment]
    offer, _coordinator = access.get_offer(user, slug, offer_id)
    offer = services.offer_update(offer=offer, actor=user, data=services.OfferInput(**payload.dict()))
    return _offer(offer, user)


@router.post(
    "/groups/{slug}/housing/offers/{offer_id}/withdraw", response=OfferOut, summary="Stop offering a place"
)
def housing_offer_withdraw(request: HttpRequest, slug: str, offer_id: int) -> dict[str, Any]:
    user: User = request.user  # type: ignore[assignment]
    offer, _coordinator = access.get_offer(user, slug, offer_id)
    return _offer(services.offer_withdraw(offer=offer, actor=user), user)


@router.post(
    "/groups/{slug}/housing/offers/{offer_id}/stays",
    response={201: StayOut},
    summary="Propose a stay for a housing need (coordinators)",
)
def housing_stay_propose(
    request: HttpRequest, slug: str, offer_id: int, payload: StayIn
) -> Status[dict[str, Any]]:
    user: User = request.user  # type: ignore[assignment]
    offer, coordinator = access.get_offer(user, slug, offer_id)
    need = Post.objects.filter(pk=payload.need_id, group_id=offer.group_id).first()
    if need is None:
        raise Http404
    stay = services.stay_propose(
        offer=offer,
        actor=user,
        need=need,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        checkin_every_days=payload.checkin_every_days,
    )
    return Status(201, _stay(stay, user, coordinator))


@router.get(
    "/groups/{slug}/housing/stays",
    response=list[StayOut],
    summary="Stays you host, are a guest of, or coordinate",
)
def housing_stays(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    user: User = request.user  # type: ignore[assignment]
    group, _membership = get_group_for_member(user, slug)
    coordinator = services.is_coordinator(user, group.pk)
    return [
        _stay(s, user, coordinator) for s in selectors.stays_for(group, user, coordinator=coordinator)[:100]
    ]


@router.get("/groups/{slug}/housing/stays/{stay_id}", response=StayOut, summary="A stay")
def housing_stay_detail(request: HttpRequest, slug: str, stay_id: int) -> dict[str, Any]:
    user: User = request.user  # type: ignore[assignment]
    stay, coordinator = access.get_stay(user, slug, stay_id)
    return _stay(stay, user, coordinator)


@router.post(
    "/groups/{slug}/housing/stays/{stay_id}/{action}",
    response=StayOut,
    summary="A step on a stay: agree, decline (host), confirm, checkin, end (coordinators), cancel",
)
def housing_stay_step(
    request: HttpRequest, slug: str, stay_id: int, action: str, payload: StepIn | None = None
) -> dict[str, Any]:
    if action not in states.ACTIONS:
        raise Http404
    user: User = request.user  # type: ignore[assignment]
    stay, coordinator = access.get_stay(user, slug, stay_id)
    extra = (
        {"all_well": payload.all_well, "note": payload.note} if payload and action == states.CHECKIN else {}
    )
    seen = payload.seen_state if payload else None
    stay = services.stay_step(stay=stay, actor=user, action=action, seen=seen, **extra)  # type: ignore[arg-type]
    return _stay(stay, user, coordinator)
