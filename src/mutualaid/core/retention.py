"""Retention: closed work and old metadata are deleted after a period (THREATS.md properties 4 and 15).

Each app lists its rules in `<app>/retention.py` as `RETENTION = [PurgeRule(...), ...]`; they are found
by walking the installed mutualaid apps, so a new app only adds its own file. A rule names the rows that
have expired (a queryset built from "now") and, optionally, how to count them before they go: those
anonymous counts (per group, month and label, never per person) are kept in `PurgeTally` for needs
assessment after the rows themselves are gone.

    # exchange/retention.py
    RETENTION = [
        PurgeRule(
            name="closed needs",
            expired=lambda now: Need.objects.filter(closed_at__lt=now - retention_period()),
            tally=lambda row: (row.group_id, row.category),
        ),
    ]

`purge_expired()` runs every rule; the task `mutualaid.core.tasks.purge_expired` runs it from the worker
and `mutualaid purge` from a shell or cron.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from importlib import import_module
from typing import Any, cast

from django.apps import apps
from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import F
from django.db.models.functions import TruncDay
from django.utils import timezone

BATCH = 1000


@dataclass(frozen=True)
class PurgeRule:
    name: str
    expired: Callable[[datetime], models.QuerySet[Any]]
    # (group id or None, label) for each expired row, counted before deletion; None keeps no count.
    tally: Callable[[Any], tuple[int | None, str]] | None = None
    # A custom way to remove personal data from a row instead of deleting it (e.g. blank its fields).
    scrub: Callable[[models.QuerySet[Any]], int] | None = None


def retention_period() -> timedelta:
    return timedelta(days=settings.MUTUALAID_RETENTION_DAYS)


def audit_retention_period() -> timedelta:
    return timedelta(days=settings.MUTUALAID_AUDIT_RETENTION_DAYS)


def rules() -> list[PurgeRule]:
    """Every app's rules, in app order (core first)."""
    return app_lists("RETENTION")


def app_lists(name: str) -> list[Any]:
    """The list `name` from every mutualaid app's `retention.py`, in app order (core first)."""
    found: list[Any] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("mutualaid."):
            continue
        try:
            module = import_module(f"{config.name}.retention")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.retention":
                raise
            continue
        found.extend(getattr(module, name, []))
    return found


def _month(moment: datetime | date | None) -> date:
    day = (
        timezone.localdate()
        if moment is None
        else (moment if not isinstance(moment, datetime) else moment.date())
    )
    return day.replace(day=1)


def _keep_tallies(rule: PurgeRule, rows: list[Any], now: datetime) -> None:
    from mutualaid.core.models import PurgeTally

    assert rule.tally is not None
    counts = Counter(rule.tally(row) for row in rows)
    month = _month(now)
    for (group_id, label), count in counts.items():
        tally, created = PurgeTally.objects.get_or_create(
            rule=rule.name, group_id=group_id, label=label[:100], month=month, defaults={"count": count}
        )
        if not created:
            PurgeTally.objects.filter(pk=tally.pk).update(count=F("count") + count)


def run_rule(rule: PurgeRule, *, now: datetime, dry_run: bool = False) -> int:
    """Purge one rule's expired rows in batches, each batch one transaction with its tallies."""
    if dry_run:
        return rule.expired(now).count()
    total = 0
    while True:
        with transaction.atomic():
            expired = rule.expired(now)
            pks = list(expired.order_by("pk").values_list("pk", flat=True)[:BATCH])
            if not pks:
                return total
            batch = expired.model._default_manager.filter(pk__in=pks)
            if rule.tally is not None:
                _keep_tallies(rule, list(batch), now)
            if rule.scrub is not None:
                rule.scrub(batch)
            else:
                batch.delete()
            total += len(pks)
        if len(pks) < BATCH:
            return total


def purge_expired(*, now: datetime | None = None, dry_run: bool = False) -> dict[str, int]:
    """Run every retention rule; returns how many rows each removed (or would remove)."""
    now = now or timezone.now()
    result = {rule.name: run_rule(rule, now=now, dry_run=dry_run) for rule in rules()}
    result["expired cache entries"] = purge_expired_cache(now=now, dry_run=dry_run)
    if not dry_run and not connection.in_atomic_block:
        from mutualaid.core.forget import forget

        forget({rule_table for rule in rules() if (rule_table := _table(rule))})
    return result


def _table(rule: PurgeRule) -> str | None:
    try:
        return cast(str, rule.expired(timezone.now()).model._meta.db_table)
    except Exception:
        return None


def purge_expired_cache(*, now: datetime, dry_run: bool = False) -> int:
    """Delete the shared cache table's expired entries.

    Django's database cache leaves expired rows in place until the table is full (300 rows by default),
    so on a small install they stay for months. Among them are allauth's counts of wrong second-factor
    codes, each stamped with its time.
    """
    from django.core.cache import caches
    from django.core.cache.backends.db import DatabaseCache
    from django.db import connection

    cache = caches["default"]
    if not isinstance(cache, DatabaseCache):
        return 0
    table = connection.ops.quote_name(str(settings.CACHES["default"]["LOCATION"]))
    expires = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        if dry_run:
            cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE expires < %s", [expires])  # noqa: S608 - our table
            return int(cursor.fetchone()[0])
        cursor.execute(f"DELETE FROM {table} WHERE expires < %s", [expires])  # noqa: S608 - our table
        return int(cursor.rowcount)


# Core's own rules -----------------------------------------------------------------------------------


def _expired_reads(now: datetime) -> models.QuerySet[Any]:
    from mutualaid.core.models import SensitiveRead

    return SensitiveRead.objects.filter(at__lt=now - audit_retention_period())


def _expired_sessions(now: datetime) -> models.QuerySet[Any]:
    from django.contrib.sessions.models import Session

    return Session.objects.filter(expire_date__lt=now)


def _finished_rate_windows(now: datetime) -> models.QuerySet[Any]:
    from mutualaid.core.models import RateCounter

    return RateCounter.objects.filter(expires_at__lt=now)


def _finished_jobs(now: datetime) -> models.QuerySet[Any]:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(finished_at__lt=now - retention_period())


def _second_factor_use_times(now: datetime) -> models.QuerySet[Any]:
    from allauth.mfa.models import Authenticator

    return cast(
        "models.QuerySet[Any]",
        Authenticator.objects.exclude(last_used_at=None).exclude(last_used_at=TruncDay("last_used_at")),
    )


def _keep_the_day(rows: models.QuerySet[Any]) -> int:
    # allauth records each use of a second factor to the microsecond: a coordinator's last login. Keep the day.
    return rows.update(last_used_at=TruncDay("last_used_at"))


RETENTION = [
    PurgeRule(name="audit log of sensitive reads", expired=_expired_reads),
    PurgeRule(name="time of day of second-factor use", expired=_second_factor_use_times, scrub=_keep_the_day),
    PurgeRule(name="expired login sessions", expired=_expired_sessions),
    PurgeRule(name="finished background jobs", expired=_finished_jobs),
    PurgeRule(name="finished rate-limit windows", expired=_finished_rate_windows),
]
