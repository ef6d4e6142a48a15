"""The lending library in the JSON API: the same services and rules as the pages (members of the
group only; hand-overs, returns, repairs and circulation by a coordinator or the item's lender)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Schema, Status

from mutualaid.core import photos
from mutualaid.groups.access import get_group_for_member
from mutualaid.lending import access, selectors, services
from mutualaid.lending.models import Item, Loan
from mutualaid.members.models import User

router = Router(tags=["lending"])


class ItemIn(Schema):
    name: str
    description: str = ""
    condition: str = "good"
    loan_days: int = 14
    own: bool = False


class ItemChangeIn(Schema):
    name: str | None = None
    description: str | None = None
    condition: str | None = None
    loan_days: int | None = None


class ItemOut(Schema):
    id: int
    name: str
    description: str
    condition: str
    loan_days: int
    in_circulation: bool
    status: str
    lender: str | None


class LoanOut(Schema):
    id: int
    item_id: int
    member: str
    state: str
    requested_at: datetime.datetime
    lent_at: datetime.datetime | None
    due_on: datetime.date | None


class ItemDetailOut(ItemOut):
    photo_url: str | None
    holder: LoanOut | None
    mine: LoanOut | None
    my_position: int | None
    waitlist: list[LoanOut]


class LendingPhotoIn(Schema):
    # A JPEG or PNG file as base64 text (cleaned: resized, no metadata); empty or null removes it.
    photo: str | None = None


class RepairIn(Schema):
    note: str
    condition: str


class CirculationIn(Schema):
    in_circulation: bool


def _item(item: Item, status: str | None = None) -> dict[str, Any]:
    return {
        "id": item.pk,
        "name": item.name or "",
        "description": item.description or "",
        "condition": item.condition,
        "loan_days": item.loan_days,
        "in_circulation": item.in_circulation,
        "status": status or selectors.status(item),
        "lender": item.lender.display_name if item.lender else None,
    }


def _loan(loan: Loan) -> dict[str, Any]:
    return {
        "id": loan.pk,
        "item_id": loan.item_id,
        "member": loan.member.display_name,
        "state": loan.state,
        "requested_at": loan.requested_at,
        "lent_at": loan.lent_at,
        "due_on": loan.due_on,
    }


def _detail(item: Item, user: User) -> dict[str, Any]:
    view = selectors.item_view(item, user)
    holder = view.holder if view.holder and (view.manager or view.holder.member_id == user.pk) else None
    return {
        **_item(item, view.status),
        "photo_url": reverse("lending_photo", args=[item.group.slug, item.pk]) if item.photo else None,
        "holder": _loan(holder) if holder else None,
        "mine": _loan(view.mine) if view.mine else None,
        "my_position": view.my_position,
        "waitlist": [_loan(loan) for loan in view.waitlist],
    }


@router.get("/groups/{slug}/lending", response=list[ItemOut], summary="The group's lending library")
def lending_items(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    group, _membership = get_group_for_member(request.user, slug)  # type: ignore[arg-type]
    return [_item(item) for item in selectors.items(group)]


@router.post("/groups/{slug}/lending", response={201: ItemDetailOut}, summary="Add an item to lend")
def lending_create(request: HttpRequest, slug: str, payload: ItemIn) -> Status[dict[str, Any]]:
    group, _membership = get_group_for_member(request.user, slug)  # type: ignore[arg-type]
    item = services.item_create(group=group, actor=request.user, data=services.ItemInput(**payload.dict()))  # type: ignore[arg-type]
    return Status(201, _detail(item, request.user))  # type: ignore[arg-type]


@router.get("/groups/{slug}/lending/{item_id}", response=ItemDetailOut, summary="An item of the library")
def lending_detail(request: HttpRequest, slug: str, item_id: int) -> dict[str, Any]:
    item, _membership = access.get_item_for_member(request.user, slug, item_id)  # type: ignore[arg-type]
    return _detail(item, request.user)  # type: ignore[arg-type]


@router.patch(
    "/groups/{slug}/lending/{item_id}",
    response=ItemDetailOut,
    summary="Change an item (coordinator or lender)",
)
def lending_update(request: HttpRequest, slug: str, item_id: int, payload: ItemChangeIn) -> dict[str, Any]:
    item, _membership = access.get_item_for_member(request.user, slug, item_id)  # type: ignore[arg-type]
    current = {
        "name": item.name or "",
        "description": item.description or "",
        "condition": item.condition,
        "loan_days": item.loan_days,
        **payload.dict(exclude_none=True),
    }
    item = services.item_update(item=item, actor=request.user, data=services.ItemInput(**current))  # type: ignore[arg-type]
    return _detail(item, request.user)  # type: ignore[arg-type]


@router.put(
    "/groups/{slug}/lending/{item_id}/photo",
    response=ItemDetailOut,
    summary="Set or remove an item's photo (coordinator or lender)",
)
def lending_photo(request: HttpRequest, slug: str, item_id: int, payload: LendingPhotoIn) -> dict[str, Any]:
    item, _membership = access.get_item_for_member(request.user, slug, item_id)  # type: ignore[arg-type]
    try:
        photo = photos.from_api(payload.photo) if payload.photo else None
    except photos.PhotoRefused as exc:
        raise ValidationError({"photo": [str(exc.message)]}) from None
    item = services.item_photo(item=item, actor=request.user, photo=photo)  # type: ignore[arg-type]
    return _detail(item, request.user)  # type: ignore[arg-type]


@router.post(
    "/groups/{slug}/lending/{item_id}/requests",
    response={201: LoanOut},
    summary="Request an item (held for you if free, else the waitlist)",
)
def lending_request(request: HttpRequest, slug: str, item_id: int) -> Status[dict[str, Any]]:
    item, _membership = access.get_item_for_member(request.user, slug, item_id)  # type: ignore[arg-type]
    return Status(201, _loan(services.request(item=item, member=request.user)))  # type: ignore[arg-type]


@router.post("/groups/{slug}/lending/loans/{loan_id}/lend", response=LoanOut, summary="Record the hand-over")
def lending_lend(request: HttpRequest, slug: str, loan_id: int) -> dict[str, Any]:
    loan = access.get_loan_for_member(request.user, slug, loan_id)  # type: ignore[arg-type]
    return _loan(services.lend(loan=loan, actor=request.user))  # type: ignore[arg-type]


@router.post("/groups/{slug}/lending/loans/{loan_id}/return", response=LoanOut, summary="Record the return")
def lending_return(request: HttpRequest, slug: str, loan_id: int) -> dict[str, Any]:
    loan = access.get_loan_for_member(request.user, slug, loan_id)  # type: ignore[arg-type]
    return _loan(services.give_back(loan=loan, actor=request.user))  # type: ignore[arg-type]


@router.post("/groups/{slug}/lending/loans/{loan_id}/cancel", response=LoanOut, summary="Withdraw a request")
def lending_cancel(request: HttpRequest, slug: str, loan_id: int) -> dict[str, Any]:
    loan = access.get_loan_for_member(request.user, slug, loan_id)  # type: ignore[arg-type]
    return _loan(services.cancel(loan=loan, actor=request.user))  # type: ignore[arg-type]


@router.post(
    "/groups/{slug}/lending/{item_id}/repairs", response={201: ItemDetailOut}, summary="Add to the repair log"
)
def lending_repair(
    request: HttpRequest, slug: str, item_id: int, payload: RepairIn
) -> Status[dict[str, Any]]:
    item, _membership = access.get_item_for_member(request.user, slug, item_id)  # type: ignore[arg-type]
    services.repair_log(item=item, actor=request.user, note=payload.note, condition=payload.condition)  # type: ignore[arg-type]
    item.refresh_from_db()
    return Status(201, _detail(item, request.user))  # type: ignore[arg-type]


@router.post(
    "/groups/{slug}/lending/{item_id}/circulation",
    response=ItemDetailOut,
    summary="Take an item out of circulation or put it back",
)
def lending_circulation(
    request: HttpRequest, slug: str, item_id: int, payload: CirculationIn
) -> dict[str, Any]:
    item, _membership = access.get_item_for_member(request.user, slug, item_id)  # type: ignore[arg-type]
    item = services.set_circulation(item=item, actor=request.user, in_circulation=payload.in_circulation)  # type: ignore[arg-type]
    return _detail(item, request.user)  # type: ignore[arg-type]
