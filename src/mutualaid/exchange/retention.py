"""Retention rules for the board (found by mutualaid.core.retention).

Fulfilled, withdrawn and expired posts go after the retention period, with their claims, history and
conversations (cascade); an anonymous count per group, kind, category and outcome is kept for needs
assessment. Then the neighbours' contacts no post refers to any more, conversations of claims that ended
long ago on posts still open, and abandoned spreadsheet uploads (after a day).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import QuerySet

from mutualaid.core.retention import PurgeRule, retention_period

DRAFT_LIFETIME = timedelta(days=1)


def _closed_posts(now: datetime) -> QuerySet[Any]:
    from mutualaid.exchange.models import Post

    return Post.objects.filter(closed_at__lt=now - retention_period())


def _orphaned_contacts(now: datetime) -> QuerySet[Any]:
    from mutualaid.exchange.models import Contact

    return Contact.objects.filter(posts__isnull=True, created_on__lt=(now - retention_period()).date())


def _ended_conversations(now: datetime) -> QuerySet[Any]:
    from mutualaid.exchange.models import Claim, Message

    ended = (Claim.State.DECLINED, Claim.State.RELEASED, Claim.State.CANCELLED)
    return Message.objects.filter(claim__state__in=ended, claim__created_at__lt=now - retention_period())


def _abandoned_uploads(now: datetime) -> QuerySet[Any]:
    from mutualaid.exchange.models import ImportDraft

    return ImportDraft.objects.filter(created_at__lt=now - DRAFT_LIFETIME)


RETENTION = [
    PurgeRule(
        name="closed needs and offers",
        expired=_closed_posts,
        tally=lambda row: (row.group_id, f"{row.kind}:{row.category}:{row.status}"),
    ),
    PurgeRule(name="contacts of purged posts", expired=_orphaned_contacts),
    PurgeRule(name="conversations of ended claims", expired=_ended_conversations),
    PurgeRule(name="abandoned spreadsheet uploads", expired=_abandoned_uploads),
]


def _forget_author(user: Any) -> None:
    from mutualaid.exchange.services import author_forget

    author_forget(user=user)


# What the board lets go of when a member deletes their account (run by members.services.account_delete).
ACCOUNT_DELETION = [_forget_author]
