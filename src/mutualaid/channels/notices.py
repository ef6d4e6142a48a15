"""The notices inbox inside the app: reads and writes of a member's own notices (the rows the
`notice_sender` stores for every notification). A member only ever sees and marks their own."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from mutualaid.channels.models import Notice
from mutualaid.members.models import User

PAGE_SIZE = 100


def notices_for(*, user: User) -> QuerySet[Notice]:
    """The member's own notices, newest first (at most PAGE_SIZE)."""
    return Notice.objects.filter(user=user).order_by("-created_at", "-pk")[:PAGE_SIZE]


def unread_count(*, user: User) -> int:
    """How many of the member's notices are unread: one count on the (user, read_at) index."""
    return Notice.objects.filter(user=user, read_at__isnull=True).count()


@transaction.atomic
def notices_mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    """Mark the member's unread notices read, all of them or those of `ids` (others' ids are ignored);
    returns how many changed."""
    unread = Notice.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())
