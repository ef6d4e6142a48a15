"""Retention rules for deliveries (found by mutualaid.core.retention).

Exact map points of stops and depots serve one run's routing: they are blanked once the run's day is
over (the plan, its ETAs and the outcomes stay for the group's records). The audit rows of exact-point
corrections (who, when) expire with the rest of the audit log (MUTUALAID_AUDIT_RETENTION_DAYS).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from mutualaid.core.retention import PurgeRule, audit_retention_period


def _past_stop_points(now: datetime) -> QuerySet[Any]:
    from mutualaid.deliveries.models import Stop

    return Stop.objects.filter(run__date__lt=timezone.localdate(now)).exclude(exact_point="")


def _past_depot_points(now: datetime) -> QuerySet[Any]:
    from mutualaid.deliveries.models import Depot

    return Depot.objects.filter(run__date__lt=timezone.localdate(now)).exclude(exact_point="")


def _expired_point_changes(now: datetime) -> QuerySet[Any]:
    from mutualaid.deliveries.models import StopPointChange

    return StopPointChange.objects.filter(at__lt=now - audit_retention_period())


def _blank(rows: QuerySet[Any]) -> int:
    return int(rows.model.objects.filter(pk__in=[row.pk for row in rows]).update(exact_point=""))


RETENTION = [
    PurgeRule(name="exact points of past delivery runs", expired=_past_stop_points, scrub=_blank),
    PurgeRule(name="exact points of past delivery depots", expired=_past_depot_points, scrub=_blank),
    PurgeRule(name="audit of exact-point corrections", expired=_expired_point_changes),
]
