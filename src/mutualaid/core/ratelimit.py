"""Limits on posting and on anonymous sign-ups (THREATS.md property 10).

Behind an onion service every visitor is 127.0.0.1, so limits are never kept per address (no address is
even seen: core.middleware strips it). A limit counts one action within a fixed window, per scope:

- per member: `limit(user=author, action="invitation_create")`;
- per group or for the whole install, for people without an account yet:
  `limit(scope=f"group:{group.pk}", action="join_request_group")`, `limit(scope="install", ...)`.

Going over raises `RateLimited`, which pages and the API turn into "429 Too Many Requests" with
Retry-After. Counters live in one database table (`core.RateCounter`), so they hold across every app
server, and each count is one atomic statement (an upsert), so parallel requests cannot slip past a
limit: of N simultaneous attempts against a limit of L, exactly L pass (tested on PostgreSQL).

Called inside a service's transaction, a count is undone with the transaction: a refused or failed
write costs nothing, and the counter always equals the writes that happened. Called outside one (in
autocommit), every attempt counts, refusals included, which is what anonymous floods need.

Rates are "<count>/<period>" with the period in s, m, h or d (e.g. "20/h", "5/10m"), overridable per
action with MUTUALAID_RATE_<ACTION> (e.g. MUTUALAID_RATE_INVITATION_CREATE=50/h).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import F
from django.utils import timezone

_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}

# Defaults, generous for real use and tight enough to stop a flood. Other apps add their own actions
# by passing `rate=` or by adding a line here.
RATES: dict[str, str] = {
    "invitation_create": "30/h",
    # One member asking to join groups.
    "join_request_create": "10/h",
    # Everyone asking to join one group (members and new accounts): a coordinator's queue stays readable.
    "join_request_group": "30/h",
    # Accounts created without an invitation (sign-up with a join request), across the whole install.
    "signup_open": "60/h",
    # Wrong first-run setup codes, across the whole install.
    "setup_attempt": "20/h",
    "default": "60/h",
}


class RateLimited(Exception):
    def __init__(self, action: str, retry_after: int) -> None:
        super().__init__(f"too many {action} requests; try again in {retry_after} s")
        self.action = action
        self.retry_after = retry_after


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int


def parse_rate(text: str) -> Rate:
    match = _RATE.match(text)
    if not match:
        raise ValueError(f"a rate looks like 20/h, not {text!r}")
    count, multiple, unit = match.groups()
    seconds = int(multiple or 1) * _SECONDS[unit]
    if seconds < 1:
        raise ValueError(f"a rate's period must be at least one second, not {text!r}")
    return Rate(count=int(count), seconds=seconds)


def rate_for(action: str, rate: str | None = None) -> Rate:
    configured = os.environ.get(f"MUTUALAID_RATE_{action.upper()}")
    return parse_rate(configured or rate or RATES.get(action) or RATES["default"])


def _scope_of(user: Any, scope: str | None) -> str | None:
    if scope:
        return scope
    if user is None or getattr(user, "pk", None) is None:
        return None
    return f"user:{user.pk}"


def _counter_key(action: str, scope: str, window_start: int) -> str:
    # A keyed digest: a seized table shows counts, not whose they are. SECRET_KEY (not the key ring) keys
    # it, so limits keep working after `mutualaid panic`.
    message = f"{action}\x1f{scope}\x1f{window_start}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def _window(action: str, rate: str | None) -> tuple[Rate, int, int]:
    window = rate_for(action, rate)
    now = int(timezone.now().timestamp())
    return window, now, now - now % window.seconds


def _count(key: str, expires_at: datetime) -> int:
    """Add one to a counter and return the new value, in one statement.

    An upsert rather than Django's get-then-save (or the database cache's incr(), a read then a write):
    PostgreSQL takes the row lock inside INSERT … ON CONFLICT DO UPDATE and re-reads the latest committed
    count, and SQLite runs the statement under its write lock, so two requests never both read 4 and
    both write 5. SQLite has had this syntax since 3.35.
    """
    from mutualaid.core.models import RateCounter

    q = connection.ops.quote_name
    table, key_column, count, expires = q(RateCounter._meta.db_table), q("key"), q("count"), q("expires_at")
    with connection.cursor() as cursor:
        cursor.execute(
            # Identifiers are ours; the values are parameters.
            f"INSERT INTO {table} ({key_column}, {count}, {expires}) VALUES (%s, 1, %s) "  # noqa: S608
            f"ON CONFLICT ({key_column}) DO UPDATE SET {count} = {table}.{count} + 1 RETURNING {count}",
            [key, connection.ops.adapt_datetimefield_value(expires_at)],
        )
        row = cursor.fetchone()
    return int(row[0])


def count_once(key: str, expires_at: datetime) -> bool:
    """Whether this is the first time `key` is counted (a one-use token, such as a spent proof of work)."""
    return _count(key, expires_at) == 1


def limit(*, action: str, user: Any = None, scope: str | None = None, rate: str | None = None) -> str | None:
    """Count one `action` by `user` (or within `scope`); raise RateLimited when over the rate.

    A fixed window keyed by the window's start: one counter per action, scope and window. Without a
    member or a scope there is nothing to count against, and nothing is limited. Returns the counter's
    key, for `give_back`.
    """
    who = _scope_of(user, scope)
    if who is None:
        return None
    window, now, start = _window(action, rate)
    end = start + window.seconds
    key = _counter_key(action, who, start)
    count = _count(key, datetime.fromtimestamp(end, tz=UTC))
    if count > window.count:
        raise RateLimited(action, retry_after=max(end - now, 1))
    return key


def give_back(key: str | None) -> None:
    """Undo one count taken by `limit` (an attempt that turned out fine, such as a right password).

    A counter back at zero is deleted, so a successful login leaves no row behind.
    """
    from mutualaid.core.models import RateCounter

    if key is None:
        return
    RateCounter.objects.filter(key=key, count__gt=0).update(count=F("count") - 1)
    RateCounter.objects.filter(key=key, count__lte=0).delete()


def remaining(*, action: str, user: Any = None, scope: str | None = None, rate: str | None = None) -> int:
    """How many more times `action` may happen in the current window (for tests and status pages)."""
    from mutualaid.core.models import RateCounter

    who = _scope_of(user, scope)
    window, _now, start = _window(action, rate)
    if who is None:
        return window.count
    row = (
        RateCounter.objects.filter(key=_counter_key(action, who, start))
        .values_list("count", flat=True)
        .first()
    )
    return max(window.count - (row or 0), 0)


def reset(*, action: str, user: Any = None, scope: str | None = None) -> None:
    from mutualaid.core.models import RateCounter

    who = _scope_of(user, scope)
    if who is None:
        return
    _window_rate, _now, start = _window(action, None)
    RateCounter.objects.filter(key=_counter_key(action, who, start)).delete()
