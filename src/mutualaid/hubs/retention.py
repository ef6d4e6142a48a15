"""Retention rules for hubs (found by mutualaid.core.retention).

A condition report, its note and its photo go after the retention period, counted per group first.
The hub keeps only the summary of its latest report (when, condition, food level), never a note or
photo, so "checked N days ago" stays true after the purge.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from mutualaid.core.retention import PurgeRule, retention_period


def _old_reports(now: datetime) -> QuerySet[Any]:
    from mutualaid.hubs.models import Report

    return (
        Report.objects.filter(created_at__lt=now - retention_period())
        .select_related("hub")
        .defer("photo", "note")
    )


RETENTION = [
    PurgeRule(
        name="old hub condition reports (notes and photos)",
        expired=_old_reports,
        tally=lambda row: (row.hub.group_id, "hub report"),
    ),
]
