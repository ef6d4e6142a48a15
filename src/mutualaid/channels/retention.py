"""What the channels app removes when a member deletes their account (found by members.services), and
read notices after the retention period (found by core.retention)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from mutualaid.core.retention import PurgeRule, retention_period


def _forget_member(user: Any) -> None:
    # Messages not yet sent would still go to the address the member just took back, and digest items and
    # preferences are about nobody once the account is gone. Sent messages follow the retention period.
    from mutualaid.channels.models import DigestItem, Notice, NotificationPreference, OutboundMessage

    OutboundMessage.objects.filter(
        user=user, status__in=[OutboundMessage.Status.QUEUED, OutboundMessage.Status.FAILED]
    ).delete()
    DigestItem.objects.filter(user=user).delete()
    NotificationPreference.objects.filter(user=user).delete()
    Notice.objects.filter(user=user).delete()


def _read_notices(now: datetime) -> QuerySet[Any]:
    from mutualaid.channels.models import Notice

    return Notice.objects.filter(read_at__lt=now - retention_period())


ACCOUNT_DELETION = [_forget_member]
RETENTION = [PurgeRule(name="read notices", expired=_read_notices)]
