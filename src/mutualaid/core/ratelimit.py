"""Per-member limits on posting (THREATS.md property 10).

Behind an onion service every visitor is 127.0.0.1, so limits are kept per account and action, never
per address. Counters live in the shared cache (a database table), so they hold across app servers.
Any app calls `limit(user=..., action=...)` at the start of a write service; going over raises
`RateLimited`, which pages and the API turn into "429 Too Many Requests".

    from mutualaid.core.ratelimit import limit
    limit(user=author, action="need_create")  # default rate from RATES, or rate="30/h"

Rates are "<count>/<period>" with the period in s, m, h or d (e.g. "20/h"), overridable per action
with MUTUALAID_RATE_<ACTION> (e.g. MUTUALAID_RATE_INVITATION_CREATE=50/h).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.utils import timezone

_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}

# Defaults, generous for real use and tight enough to stop a flood. Other apps add their own actions
# by passing `rate=` or by adding a line here.
RATES: dict[str, str] = {
    "invitation_create": "30/h",
    "join_request_create": "10/h",
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
    return Rate(count=int(count), seconds=int(multiple or 1) * _SECONDS[unit])


def rate_for(action: str, rate: str | None = None) -> Rate:
    configured = os.environ.get(f"MUTUALAID_RATE_{action.upper()}")
    return parse_rate(configured or rate or RATES.get(action) or RATES["default"])


def limit(*, user: Any, action: str, rate: str | None = None) -> None:
    """Count one `action` by `user`; raise RateLimited when over the rate within its window.

    A fixed window keyed by the window's start: one cache row per member, action and window.
    """
    if user is None or getattr(user, "pk", None) is None:
        return
    window = rate_for(action, rate)
    now = int(timezone.now().timestamp())
    start = now - now % window.seconds
    key = f"mutualaid:rl:{action}:{user.pk}:{start}"
    # The database cache's incr() is a read then a write, so parallel posts may slip one or two past the
    # limit; a flood is still stopped within a request or two, which is all this needs.
    cache.add(key, 0, timeout=window.seconds + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window.seconds + 5)
        count = 1
    if count > window.count:
        raise RateLimited(action, retry_after=start + window.seconds - now)


def reset(*, user: Any, action: str) -> None:
    window = rate_for(action)
    now = int(timezone.now().timestamp())
    cache.delete(f"mutualaid:rl:{action}:{user.pk}:{now - now % window.seconds}")
