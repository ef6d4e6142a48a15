"""A cost per anonymous attempt, so one source cannot use up an install-wide limit alone (THREATS.md 10).

Nothing tells one anonymous visitor from another (no address is kept, and behind an onion service every
visitor is 127.0.0.1), so a per-source share is impossible to enforce: a flooder sheds cookies for free.
What can be made to differ is the cost of an attempt. An anonymous form carries a signed challenge;
the page's script (`core/static/core/proof.js`, no inline code) finds a number whose SHA-256 with the
challenge starts with `bits` zero bits and sends it along. A request with a valid, unspent proof counts
against its own pool (`<action>_proved`, ten times the plain limit); one without (no script, or a
flood) against the plain limit as before. So a flood without proofs fills only the plain pool and
newcomers with a browser still get through; a flood with proofs pays for each attempt, and the price
doubles with every tenth of the proved pool used in the current window (`difficulty`), from about four
thousand hashes (instant) to about four million (seconds in a browser, and still a real bill for a
flood of many thousands).

A challenge is signed with SECRET_KEY (not the key ring: it works after `mutualaid panic`), names its
action, expires after an hour and is spent once: its digest is counted in `core.RateCounter` like any
rate limit, so a proof cannot be replayed. Nothing about the visitor is stored.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from django.core import signing
from django.utils import timezone

from mutualaid.core import ratelimit

SALT = "mutualaid.core.proofofwork"
MAX_AGE = 3600
BASE_BITS = 12
MAX_BITS = 22
PROVED_FACTOR = 10


def proved_action(action: str) -> str:
    return f"{action}_proved"


def proved_rate(action: str, rate_text: str | None = None) -> str:
    rate = ratelimit.rate_for(action, rate_text)
    return f"{rate.count * PROVED_FACTOR}/{rate.seconds}s"


def difficulty(action: str, scope: str, rate: str | None = None) -> int:
    """Zero bits asked of a new proof: one more for every tenth of the proved pool already used."""
    proved = proved_rate(action, rate)
    pool = ratelimit.rate_for(proved_action(action), proved)
    left = ratelimit.remaining(action=proved_action(action), scope=scope, rate=proved)
    used = pool.count - left
    return min(BASE_BITS + (10 * used) // max(pool.count, 1), MAX_BITS)


def challenge(action: str, scope: str, rate: str | None = None) -> str:
    """A fresh signed challenge for one attempt at `action` within `scope` (put it in the form)."""
    payload = {"a": action, "s": scope, "b": difficulty(action, scope, rate), "n": secrets.token_hex(8)}
    return signing.TimestampSigner(salt=SALT).sign_object(payload)


def leading_zero_bits(digest: bytes) -> int:
    bits = 0
    for byte in digest:
        if byte == 0:
            bits += 8
            continue
        return bits + 8 - byte.bit_length()
    return bits


def bits(text: str) -> int:
    """The zero bits a challenge asks for (it says so itself; signed, so a client cannot lower it)."""
    return int(signing.TimestampSigner(salt=SALT).unsign_object(text)["b"])


def solve(text: str) -> str:
    """The smallest counter that proves `text` (what the browser's script does; for tests and API clients)."""
    bits_asked = bits(text)
    counter = 0
    while leading_zero_bits(hashlib.sha256(f"{text}:{counter}".encode()).digest()) < bits_asked:
        counter += 1
    return str(counter)


def verify(text: str, solution: str, *, action: str, scope: str) -> bool:
    """Whether `solution` proves the challenge `text` for `action` in `scope`; spends it when it does."""
    if not text or not solution or len(solution) > 20 or not solution.isascii() or not solution.isdigit():
        return False
    try:
        payload = signing.TimestampSigner(salt=SALT).unsign_object(text, max_age=MAX_AGE)
    except signing.BadSignature:
        return False
    if payload.get("a") != action or payload.get("s") != scope:
        return False
    if leading_zero_bits(hashlib.sha256(f"{text}:{solution}".encode()).digest()) < int(payload.get("b", 99)):
        return False
    key = hashlib.sha256(f"proof\x1f{text}".encode()).hexdigest()
    expires = timezone.now() + timedelta(seconds=MAX_AGE)
    return ratelimit.count_once(key, datetime.fromtimestamp(expires.timestamp(), tz=UTC))


def limit(*, action: str, scope: str, proof: tuple[str, str] | None, rate: str | None = None) -> None:
    """Count one anonymous attempt: against the proved pool with a valid proof, else the plain limit."""
    proved = proof is not None and verify(proof[0], proof[1], action=action, scope=scope)
    count(action=action, scope=scope, rate=rate, proved=proved)


def count(*, action: str, scope: str, proved: bool, rate: str | None = None) -> None:
    """Count one attempt already judged (`proved`: its proof was verified, and so spent)."""
    if proved:
        ratelimit.limit(action=proved_action(action), scope=scope, rate=proved_rate(action, rate))
        return
    ratelimit.limit(action=action, scope=scope, rate=rate)
