"""Reports and reporters' data are purged on the retention clock; monthly counts stay, anonymous."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from mutualaid.core.models import PurgeTally
from mutualaid.core.retention import purge_expired
from mutualaid.defense import selectors, services
from mutualaid.defense.models import Confirmation, Dispatch, Event, Report
from tests.defense.conftest import web_report


def test_closed_reports_are_purged_and_counted(
    crown: Any, ada: Any, ida: Any, verifiers: Any, responders: Any, settings: Any
) -> None:
    settings.MUTUALAID_RETENTION_DAYS = 30
    verified = web_report(crown, responders["hal"])
    services.report_confirm(report=verified, verifier=ada, seen="Seen")
    services.report_confirm(report=verified, verifier=ida, seen="Seen")
    services.report_clear(report=verified, verifier=ada)
    services.report_unfound(report=web_report(crown, None), verifier=ada, note="nothing")
    still_open = web_report(crown, None)
    before = {row["month"]: row for row in selectors.month_counts(crown)}
    month = timezone.localdate().replace(day=1)
    assert (before[month]["reports"], before[month]["verified"], before[month]["unfounded"]) == (3, 1, 1)

    purge_expired(now=timezone.now() + timedelta(days=29))
    assert Report.objects.count() == 3
    purge_expired(now=timezone.now() + timedelta(days=31))
    assert list(Report.objects.values_list("pk", flat=True)) == [still_open.pk]
    assert not Confirmation.objects.exists() and not Dispatch.objects.exists()
    assert set(Event.objects.values_list("report_id", flat=True)) == {still_open.pk}
    labels = {t.label: t.count for t in PurgeTally.objects.filter(rule="old alert reports")}
    assert labels == {f"{month:%Y-%m} verified": 1, f"{month:%Y-%m} unfounded": 1}
    after = {row["month"]: row for row in selectors.month_counts(crown)}
    assert (after[month]["reports"], after[month]["verified"], after[month]["unfounded"]) == (3, 1, 1)
