"""Retention rules for peers (found by mutualaid.core.retention).

Messages to peers go once delivered or given up for the retention period (a details message holds the
envelope sent to the peer). Ids of messages received go after a week: a replay older than that is
refused by its Date anyway. A referral that ended keeps its coarse form and history; the details and
contact a peer sent are blanked the retention period after it was offered.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import QuerySet

from mutualaid.core.retention import PurgeRule, retention_period

SEEN_DAYS = 7


def _finished_messages(now: datetime) -> QuerySet[Any]:
    from mutualaid.peers.models import Message, MessageState

    return Message.objects.exclude(state=MessageState.PENDING).filter(give_up_at__lt=now - retention_period())


def _old_seen(now: datetime) -> QuerySet[Any]:
    from mutualaid.peers.models import SeenMessage

    return SeenMessage.objects.filter(received_at__lt=now - timedelta(days=SEEN_DAYS))


def _old_details(now: datetime) -> QuerySet[Any]:
    from mutualaid.peers.models import LIVE_STATES, Referral

    return (
        Referral.objects.exclude(state__in=LIVE_STATES)
        .filter(created_at__lt=now - retention_period())
        .exclude(details="", contact="")
    )


def _blank_details(rows: QuerySet[Any]) -> int:
    from mutualaid.peers.models import Referral

    return Referral.objects.filter(pk__in=[row.pk for row in rows]).update(details="", contact="")


RETENTION = [
    PurgeRule(name="finished peer messages", expired=_finished_messages),
    PurgeRule(name="received peer message ids", expired=_old_seen),
    PurgeRule(
        name="details of ended referrals",
        expired=_old_details,
        tally=lambda row: (row.group_id, f"referral {row.state}"),
        scrub=_blank_details,
    ),
]
