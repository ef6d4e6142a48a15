"""Retention rules for housing (found by mutualaid.core.retention).

A stay that ended or was cancelled goes after the retention period, with its check-ins: who stayed
with whom is not kept longer than it is needed. Offers stay while their host keeps them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from mutualaid.core.retention import PurgeRule, retention_period


def _closed_stays(now: datetime) -> QuerySet[Any]:
    from mutualaid.housing.models import FINAL_STATES, Stay

    return Stay.objects.filter(state__in=FINAL_STATES, closed_at__lt=now - retention_period()).select_related(
        "offer"
    )


RETENTION = [
    PurgeRule(
        name="ended and cancelled stays (with their check-ins)",
        expired=_closed_stays,
        tally=lambda row: (row.offer.group_id, "housing stay"),
    ),
]
