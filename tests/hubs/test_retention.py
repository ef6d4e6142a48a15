"""After the retention period, condition reports (their notes and photos) are gone; the hub keeps
when it was last checked and what was found, and a count per group stays."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from mutualaid.core.models import PurgeTally
from mutualaid.core.retention import purge_expired
from mutualaid.hubs import services
from mutualaid.hubs.models import Report
from tests.hubs.conftest import image_bytes


def test_old_reports_and_their_photos_go(settings: Any, fridge: Any) -> None:
    old = services.report_create(
        hub=fridge, condition="repair", food_level=0, note="Door", photo=image_bytes()
    )
    recent = services.report_create(hub=fridge, condition="good", food_level=2, note="Fine")
    long_ago = timezone.now() - datetime.timedelta(days=settings.MUTUALAID_RETENTION_DAYS + 1)
    Report.objects.filter(pk=old.pk).update(created_at=long_ago)
    result = purge_expired()
    assert result["old hub condition reports (notes and photos)"] == 1
    assert list(Report.objects.values_list("pk", flat=True)) == [recent.pk]
    assert PurgeTally.objects.filter(label="hub report", count=1, group_id=fridge.group_id).exists()
    fridge.refresh_from_db()
    assert fridge.last_report_at == recent.created_at and fridge.last_condition == "good"
