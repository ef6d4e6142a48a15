"""THREATS.md property 10, under concurrency: a limit's count is one atomic statement.

The database cache's incr() is a read then a write, so parallel requests used to slip past a limit. The
counters are now upserts on `core.RateCounter`: of N simultaneous attempts against a limit of L, exactly
L pass, on PostgreSQL with real threads and connections.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from mutualaid.core import ratelimit
from mutualaid.core.models import RateCounter
from mutualaid.core.ratelimit import RateLimited, limit, remaining
from mutualaid.core.retention import purge_expired
from tests.races import outcomes, race, require_postgresql

NOON = datetime(2026, 5, 6, 12, 0, 0, tzinfo=UTC)


@pytest.fixture
def at_noon(monkeypatch: pytest.MonkeyPatch) -> list[datetime]:
    """A pinned clock (noon of a fixed day) the test can move: clock[0] is 'now'."""
    clock = [NOON]
    monkeypatch.setattr(timezone, "now", lambda: clock[0])
    return clock


def test_counts_exactly_and_refuses_over_the_limit(ben: Any, at_noon: list[datetime]) -> None:
    for left in (2, 1, 0):
        limit(user=ben, action="need_create", rate="3/h")
        assert remaining(user=ben, action="need_create", rate="3/h") == left
    with pytest.raises(RateLimited) as caught:
        limit(user=ben, action="need_create", rate="3/h")
    assert caught.value.retry_after == 3600  # noon starts a fresh hourly window
    assert RateCounter.objects.get().count == 4  # the refused attempt is counted too (no transaction here)


def test_a_new_window_starts_afresh(ben: Any, at_noon: list[datetime]) -> None:
    for _ in range(2):
        limit(user=ben, action="need_create", rate="2/h")
    with pytest.raises(RateLimited):
        limit(user=ben, action="need_create", rate="2/h")
    at_noon[0] = NOON.replace(hour=13)
    limit(user=ben, action="need_create", rate="2/h")
    assert remaining(user=ben, action="need_create", rate="2/h") == 1


def test_scopes_are_separate(ben: Any, ada: Any, at_noon: list[datetime]) -> None:
    limit(user=ben, action="need_create", rate="1/h")
    limit(user=ada, action="need_create", rate="1/h")  # another member
    limit(user=ben, action="offer_create", rate="1/h")  # another action
    limit(scope="group:1", action="need_create", rate="1/h")  # a group's window
    limit(scope="install", action="need_create", rate="1/h")
    with pytest.raises(RateLimited):
        limit(scope="group:1", action="need_create", rate="1/h")
    limit(user=None, action="need_create", rate="1/h")  # nobody to count against: not limited
    assert RateCounter.objects.count() == 5


def test_a_write_that_fails_gives_its_count_back(ben: Any, at_noon: list[datetime]) -> None:
    """Inside a service's transaction, a refused write is not counted: the counter equals the writes."""
    with pytest.raises(ValidationError), transaction.atomic():
        limit(user=ben, action="need_create", rate="1/h")
        raise ValidationError("refused later in the service")
    limit(user=ben, action="need_create", rate="1/h")  # still allowed
    with pytest.raises(RateLimited), transaction.atomic():
        limit(user=ben, action="need_create", rate="1/h")
    assert RateCounter.objects.get().count == 1


def test_counters_reveal_no_member_and_expire(ben: Any, at_noon: list[datetime]) -> None:
    limit(user=ben, action="invitation_create")
    row = RateCounter.objects.get()
    assert len(row.key) == 64 and set(row.key) <= set("0123456789abcdef")  # a digest, not "user:3"
    assert row.expires_at == NOON.replace(hour=13)
    assert purge_expired(now=NOON.replace(hour=12, minute=59))["finished rate-limit windows"] == 0
    assert purge_expired(now=NOON.replace(hour=13, minute=1))["finished rate-limit windows"] == 1
    assert not RateCounter.objects.exists()


def test_rates_parse_and_reject_nonsense(monkeypatch: pytest.MonkeyPatch) -> None:
    assert ratelimit.parse_rate("5/10m") == ratelimit.Rate(count=5, seconds=600)
    assert ratelimit.parse_rate(" 20 / h ") == ratelimit.Rate(count=20, seconds=3600)
    for bad in ("lots", "5/0m", "5/", "-1/h", "5/w"):
        with pytest.raises(ValueError, match="a rate"):
            ratelimit.parse_rate(bad)
    monkeypatch.setenv("MUTUALAID_RATE_SIGNUP_OPEN", "7/d")
    assert ratelimit.rate_for("signup_open") == ratelimit.Rate(count=7, seconds=86400)


def _race(attempts: int, body: Any) -> list[str]:
    """Run `body()` in `attempts` threads released at the same instant; what each one ended with."""
    return outcomes(race([body] * attempts), refused=(RateLimited,), won="passed", lost="limited")


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_parallel_attempts_exactly_the_limit_pass_on_postgresql(ben: Any) -> None:
    require_postgresql()
    outcomes = _race(16, lambda: limit(user=ben, action="race", rate="5/d"))
    assert outcomes == ["limited"] * 11 + ["passed"] * 5
    assert RateCounter.objects.get().count == 16


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_parallel_invitations_exactly_the_limit_are_created_on_postgresql(
    ben: Any, crown: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through the real service: each invitation's count is taken inside its transaction."""
    require_postgresql()
    from mutualaid.members.models import Invitation
    from mutualaid.members.services import invitation_create

    monkeypatch.setenv("MUTUALAID_RATE_INVITATION_CREATE", "4/d")
    outcomes = _race(12, lambda: invitation_create(group=crown, created_by=ben))
    assert outcomes == ["limited"] * 8 + ["passed"] * 4
    assert Invitation.objects.filter(created_by=ben).count() == 4
    assert RateCounter.objects.get().count == 4  # refused attempts rolled back with their transaction
