"""Retention rules for the lending library (found by mutualaid.core.retention).

A closed loan (returned or withdrawn) goes after the retention period, counted per group first:
who borrowed what is kept only as long as it is useful. Open loans and the repair log stay.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from mutualaid.core.retention import PurgeRule, retention_period


def _closed_loans(now: datetime) -> QuerySet[Any]:
    from mutualaid.lending.models import Loan, LoanState

    return Loan.objects.filter(
        state__in=[LoanState.RETURNED, LoanState.CANCELLED], closed_at__lt=now - retention_period()
    ).select_related("item")


RETENTION = [
    PurgeRule(
        name="closed loans of the lending library",
        expired=_closed_loans,
        tally=lambda row: (row.item.group_id, "closed loan"),
    ),
]
