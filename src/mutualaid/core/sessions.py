"""Django's database sessions, read with one written-out query.

Every logged-in page reads its session row first. Django builds that `Session.objects.get(...)` through
the ORM on every request, about 0.4 ms of CPU for a lookup by primary key (bench/RESULTS-throughput.md).
Only the read changes: the row, its expiry and everything that writes, deletes or rotates sessions
(logout, panic, password change, `cycle_key`) stay Django's, so a session deleted by any app server is
refused by every other at once, as before.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone

_SQL = 'SELECT "session_data" FROM "django_session" WHERE "session_key" = %s AND "expire_date" > %s'


class _Row:
    __slots__ = ("session_data",)

    def __init__(self, session_data: str) -> None:
        self.session_data = session_data


class SessionStore(db.SessionStore):
    def _get_session_from_db(self) -> Any:
        key = self.session_key
        if not key:
            self._session_key = None
            return None
        connection = connections[router.db_for_read(self.model)]
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(_SQL, [key, now])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return _Row(row[0])
