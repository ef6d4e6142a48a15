"""Retention rules for alerts (found by mutualaid.core.retention).

A report closes when it is cleared, found unfounded or expires. After the retention period it goes with
everything about it (what was seen, where, who reported, who confirmed, the timeline, who it was sent
to); what stays is one anonymous count per group, month reported and outcome (verified, unfounded,
other), for the group's monthly figures.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from mutualaid.core.retention import PurgeRule, retention_period


def _old_reports(now: datetime) -> QuerySet[Any]:
    from mutualaid.defense.models import Report

    return Report.objects.filter(closed_at__lt=now - retention_period())


def _tally(row: Any) -> tuple[int | None, str]:
    from mutualaid.defense.selectors import outcome

    month = timezone.localtime(row.created_at).strftime("%Y-%m")
    return row.group_id, f"{month} {outcome(row.state, row.sent_at)}"


RETENTION = [PurgeRule(name="old alert reports", expired=_old_reports, tally=_tally)]
