"""The notices inbox inside the app: reads and writes of a member's own notices (the rows the
`notice_sender` stores for every notification). A member only ever sees and marks their own."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from mutualaid.channels.models import Notice
from mutualaid.members.models import User

PAGE_SIZE = 100


def notices_for(*, user: User) -> QuerySet[Notice]:
    """The member's own notices, newest first (at most PAGE_SIZE)."""
    return Notice.objects.filter(user=user).order_by("-created_at", "-pk")[:PAGE_SIZE]


def unread_count(*, user: User) -> int:
    """How many of the member's notices are unread: one count on the (user, read_at) index.

    In the header of every page, so written out: building the same count through the ORM costs about
    0.3 ms of CPU per page, the count itself a few µs (bench/RESULTS-throughput.md)."""
    with connection.cursor() as cursor:
        cursor.execute(_UNREAD_SQL, [user.pk])
        row = cursor.fetchone()
    return int(row[0])


# Notice's table and columns (tests/channels/test_notices_inbox.py counts through it).
_UNREAD_SQL = 'SELECT COUNT(*) FROM "channels_notice" WHERE "user_id" = %s AND "read_at" IS NULL'


@transaction.atomic
def notices_mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    """Mark the member's unread notices read, all of them or those of `ids` (others' ids are ignored);
    returns how many changed."""
    unread = Notice.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())
