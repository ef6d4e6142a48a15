"""Retention rules for members' records (found by mutualaid.core.retention).

Used, expired and revoked invitations and decided join requests are kept only for the retention period:
each is an edge of the social graph (who invited or approved whom). The one edge a membership needs,
`Membership.vouched_by`, stays while the membership does.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet

from mutualaid.core.retention import PurgeRule, retention_period


def _closed_invitations(now: datetime) -> QuerySet[Any]:
    from mutualaid.members.models import Invitation

    cutoff = now - retention_period()
    return Invitation.objects.filter(
        Q(used_at__lt=cutoff) | Q(revoked_at__lt=cutoff) | Q(expires_at__lt=cutoff)
    )


def _decided_join_requests(now: datetime) -> QuerySet[Any]:
    from mutualaid.members.models import JoinRequest

    cutoff = (now - retention_period()).date()
    return JoinRequest.objects.exclude(status=JoinRequest.Status.PENDING).filter(created_on__lt=cutoff)


def _revoked_tokens(now: datetime) -> QuerySet[Any]:
    from mutualaid.members.models import AccessToken

    return AccessToken.objects.filter(revoked_at__lt=now - retention_period())


RETENTION = [
    PurgeRule(
        name="closed invitations", expired=_closed_invitations, tally=lambda row: (row.group_id, row.state())
    ),
    PurgeRule(
        name="decided join requests",
        expired=_decided_join_requests,
        tally=lambda row: (row.group_id, row.status),
    ),
    PurgeRule(name="revoked access tokens", expired=_revoked_tokens),
]
