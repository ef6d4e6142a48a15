"""Reads for referral pages: only the group's own referrals, newest first."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from mutualaid.exchange.models import Kind, Post, Status
from mutualaid.groups.models import Group
from mutualaid.peers.models import Peer, PeerState, Referral

SHOWN = 50


def referrals(group: Group, direction: str) -> QuerySet[Referral]:
    return Referral.objects.filter(group=group, direction=direction).select_related("peer")[:SHOWN]


def referral(group: Group, uid: uuid.UUID) -> Referral | None:
    return Referral.objects.filter(group=group, uid=uid).select_related("peer", "group").first()


def referable_needs(group: Group) -> QuerySet[Post]:
    return Post.objects.filter(group=group, kind=Kind.NEED, status=Status.OPEN).order_by("created_at")[:SHOWN]


def has_peers() -> bool:
    return Peer.objects.filter(state=PeerState.LINKED).exists()
