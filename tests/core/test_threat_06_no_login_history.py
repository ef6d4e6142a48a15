"""THREATS.md property 6: last-seen is day-granular; there is no login history."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mutualaid.core.backup import table_summary
from tests.conftest import PASSWORD


def test_five_logins_leave_one_day_granular_timestamp(ben: Any) -> None:
    from mutualaid.members.models import User

    before = table_summary()
    for _ in range(5):
        client = Client()
        response = client.post(reverse("account_login"), {"login": "ben", "password": PASSWORD})
        assert response.status_code == 302
        client.get(reverse("home"))
        client.post(reverse("account_logout"))
    after = table_summary()
    grown = {t: after[t]["rows"] - before.get(t, {"rows": 0})["rows"] for t in after}
    assert [t for t, n in grown.items() if n >= 5] == [], "a table keeps one row per login"
    # Not even one row: a single row stamped at the last login (as allauth's failed-login counter in the
    # cache table used to be) is a last-login time to the second.
    assert {t: n for t, n in grown.items() if n} == {}

    ben = User.objects.get(pk=ben.pk)
    assert ben.last_seen == timezone.localdate()
    assert type(ben.last_seen) is not datetime
    # No column on the member can hold a time of day.
    assert [f.name for f in User._meta.concrete_fields if isinstance(f, models.DateTimeField)] == []
    assert not hasattr(User, "last_login") or User.last_login is None


def test_second_factor_use_is_kept_to_the_day(ada: Any) -> None:
    """allauth stamps each use of a second factor to the microsecond; the daily purge cuts it to the day."""
    from allauth.mfa.models import Authenticator

    from mutualaid.core.tasks import purge_expired

    authenticator = Authenticator.objects.get(user=ada, type=Authenticator.Type.TOTP)
    authenticator.record_usage()
    assert purge_expired.call()["time of day of second-factor use"] == 1
    stamp = Authenticator.objects.get(pk=authenticator.pk).last_used_at
    assert stamp.astimezone(timezone.get_current_timezone()).time() == time(0, 0)
    assert purge_expired.call()["time of day of second-factor use"] == 0


def test_expired_cache_entries_do_not_linger(ada: Any) -> None:
    """Wrong second-factor codes are counted in the cache table with their times; the daily purge removes
    entries once expired, instead of leaving them until the table is full."""
    from datetime import timedelta

    from django.core.cache import cache

    from mutualaid.core.retention import purge_expired

    # The cache table is not a model: tests that commit (servers, races) leave entries that a flush keeps.
    cache.clear()
    client = Client()
    client.post(reverse("account_login"), {"login": "ada", "password": PASSWORD})
    client.post(reverse("mfa_authenticate"), {"code": "000000"})
    cache.set("still-fresh", 1, timeout=7200)
    later = timezone.now() + timedelta(hours=1)
    assert purge_expired(now=later, dry_run=True)["expired cache entries"] == 1
    assert purge_expired(now=later)["expired cache entries"] == 1
    assert cache.get("still-fresh") == 1
    assert purge_expired(now=later)["expired cache entries"] == 0
