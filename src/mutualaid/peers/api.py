"""Referrals in the JSON API: the same services as the pages (coordinators with their second factor)."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from mutualaid.core.audit import record_read
from mutualaid.exchange.models import Kind, Post
from mutualaid.exchange.models import Status as PostStatus
from mutualaid.groups.access import get_group_for_coordinator
from mutualaid.peers import selectors, services
from mutualaid.peers.models import PeerGroup, Referral

router = Router(tags=["referrals"])


class PeersReferralOut(Schema):
    uid: uuid.UUID
    direction: str
    state: str
    server: str
    other_group: str
    category: str
    cell: str
    urgency: str
    quantity: int
    window_start: datetime.datetime | None
    window_end: datetime.datetime | None
    created_at: datetime.datetime
    details: dict[str, Any] | None = None


class PeersReferIn(Schema):
    post_id: int
    target_id: int


class PeersDecisionIn(Schema):
    accept: bool


class PeersTargetOut(Schema):
    id: int
    name: str
    server: str
    url: str
    categories: list[str]


def _out(referral: Referral, details: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "uid": referral.uid,
        "direction": referral.direction,
        "state": referral.state,
        "server": referral.peer.url,
        "other_group": referral.other_name,
        "category": referral.category,
        "cell": referral.cell,
        "urgency": referral.urgency,
        "quantity": referral.quantity,
        "window_start": referral.window_start,
        "window_end": referral.window_end,
        "created_at": referral.created_at,
        "details": details,
    }


def _open_need(group: Any, post_id: int) -> Post:
    return get_object_or_404(Post, group=group, pk=post_id, kind=Kind.NEED, status=PostStatus.OPEN)


@router.get(
    "/groups/{slug}/referrals",
    response=list[PeersReferralOut],
    summary="Referrals of a group, both ways (coordinators)",
)
def peers_referrals_list(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    group, _m = get_group_for_coordinator(request.user, slug)  # type: ignore[arg-type]
    return [_out(r) for direction in ("in", "out") for r in selectors.referrals(group, direction)]


@router.get(
    "/groups/{slug}/referrals/targets/{post_id}",
    response=list[PeersTargetOut],
    summary="Groups on linked servers an open need could be referred to (coordinators)",
)
def peers_referral_targets(request: HttpRequest, slug: str, post_id: int) -> list[dict[str, Any]]:
    group, _m = get_group_for_coordinator(request.user, slug)  # type: ignore[arg-type]
    post = _open_need(group, post_id)
    return [
        {"id": g.pk, "name": g.name, "server": g.peer.url, "url": g.url, "categories": g.categories}
        for g in services.targets(post)
    ]


@router.post(
    "/groups/{slug}/referrals",
    response={201: PeersReferralOut},
    summary="Refer an open need to a group on a linked server (coordinators)",
)
def peers_referral_create(request: HttpRequest, slug: str, payload: PeersReferIn) -> Status[dict[str, Any]]:
    group, _m = get_group_for_coordinator(request.user, slug)  # type: ignore[arg-type]
    post = _open_need(group, payload.post_id)
    target = PeerGroup.objects.select_related("peer").filter(pk=payload.target_id).first()
    if target is None:
        raise HttpError(404, "Not Found")
    referral = services.refer(post=post, actor=request.user, target=target)  # type: ignore[arg-type]
    return Status(201, _out(referral))


def _referral(request: HttpRequest, slug: str, uid: uuid.UUID) -> Referral:
    group, _m = get_group_for_coordinator(request.user, slug)  # type: ignore[arg-type]
    referral = selectors.referral(group, uid)
    if referral is None:
        raise HttpError(404, "Not Found")
    return referral


@router.get(
    "/groups/{slug}/referrals/{uid}",
    response=PeersReferralOut,
    summary="One referral (details once they arrived)",
)
def peers_referral_detail(request: HttpRequest, slug: str, uid: uuid.UUID) -> dict[str, Any]:
    referral = _referral(request, slug, uid)
    details = services.details_of(referral)
    if details is not None:
        record_read(
            reader=request.user, subject=referral, fields=["details", "contact"], group_id=referral.group_id
        )
    return _out(referral, details)


@router.post(
    "/groups/{slug}/referrals/{uid}/decision",
    response=PeersReferralOut,
    summary="Accept or decline a need referred to the group (coordinators)",
)
def peers_referral_decide(
    request: HttpRequest, slug: str, uid: uuid.UUID, payload: PeersDecisionIn
) -> dict[str, Any]:
    referral = _referral(request, slug, uid)
    return _out(services.decide(referral=referral, actor=request.user, accept=payload.accept))  # type: ignore[arg-type]
