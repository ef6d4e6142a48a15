"""What the channels app removes when a member deletes their account (found by members.services)."""

from __future__ import annotations

from typing import Any


def _forget_member(user: Any) -> None:
    # Messages not yet sent would still go to the address the member just took back, and digest items and
    # preferences are about nobody once the account is gone. Sent messages follow the retention period.
    from mutualaid.channels.models import DigestItem, NotificationPreference, OutboundMessage

    OutboundMessage.objects.filter(
        user=user, status__in=[OutboundMessage.Status.QUEUED, OutboundMessage.Status.FAILED]
    ).delete()
    DigestItem.objects.filter(user=user).delete()
    NotificationPreference.objects.filter(user=user).delete()


ACCOUNT_DELETION = [_forget_member]
