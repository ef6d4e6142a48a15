"""Reads of the defense app, each scoped to what the asker may see."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from mutualaid.core.audit import record_read
from mutualaid.core.models import PurgeTally
from mutualaid.core.notify import delivery_progress
from mutualaid.defense import lifecycle
from mutualaid.defense.models import Dispatch, Event, Report, State, Verifier
from mutualaid.groups.models import Group
from mutualaid.members.models import User

TALLY_RULE = "old alert reports"


def reports_for_verifier(verifier: Verifier) -> list[Report]:
    """Open reports and live alerts of the verifier's areas, newest first."""
    rows = Report.objects.filter(
        group_id=verifier.group_id, state__in=[*lifecycle.OPEN, lifecycle.SENT]
    ).select_related("claimed_by")
    group_verifiers = list(Verifier.objects.filter(group_id=verifier.group_id))
    return [r for r in rows if verifier.sees(r.cell, group_verifiers)]


def recent_closed_for_verifier(verifier: Verifier, limit: int = 20) -> list[Report]:
    rows = Report.objects.filter(group_id=verifier.group_id, state__in=list(lifecycle.TERMINAL))[: limit * 5]
    group_verifiers = list(Verifier.objects.filter(group_id=verifier.group_id))
    return [r for r in rows if verifier.sees(r.cell, group_verifiers)][:limit]


def sent_alerts(group: Group) -> QuerySet[Report]:
    """Alerts members may see: sent and not yet over, or cleared in the last day."""
    day_ago = timezone.now() - timedelta(days=1)
    return Report.objects.filter(group=group, state=State.SENT) | Report.objects.filter(
        group=group, state=State.CLEARED, cleared_at__gte=day_ago
    )


@dataclass(frozen=True)
class Reporter:
    name: str
    phone: str


def reporter_for_verifier(report: Report, reader: User) -> Reporter:
    """Who reported (sealed): shown to verifiers only, and every read is audited."""
    record_read(
        reader=reader, subject=report, fields=["reporter", "reporter_phone"], group_id=report.group_id
    )
    return Reporter(name=report.reporter or "", phone=report.reporter_phone or "")


def timeline(report: Report) -> list[Event]:
    return list(Event.objects.filter(report=report).select_related("actor"))


@dataclass(frozen=True)
class DispatchProgress:
    dispatch: Dispatch
    queued: int
    sent: int
    failed: int
    total: int


def progress(report: Report) -> list[DispatchProgress]:
    """Each send of the alert and how far delivery got (messages queued, sent, failed)."""
    found = []
    for dispatch in Dispatch.objects.filter(report=report):
        counts = delivery_progress(list(dispatch.message_ids))
        found.append(
            DispatchProgress(
                dispatch=dispatch,
                queued=counts.get("queued", 0) + counts.get("sending", 0),
                sent=counts.get("sent", 0),
                failed=counts.get("failed", 0) + counts.get("skipped", 0),
                total=len(dispatch.message_ids),
            )
        )
    return found


def month_counts(group: Group) -> list[dict[str, Any]]:
    """Reports, verified and unfounded per month: live reports plus the tallies purged ones left (no contents)."""
    counts: Counter[tuple[date, str]] = Counter()
    for created, state, sent_at in Report.objects.filter(group=group).values_list(
        "created_at", "state", "sent_at"
    ):
        month = timezone.localtime(created).date().replace(day=1)
        counts[(month, "reports")] += 1
        counts[(month, outcome(state, sent_at))] += 1
    for tally in PurgeTally.objects.filter(rule=TALLY_RULE, group_id=group.pk):
        month_text, _sep, state = tally.label.partition(" ")
        try:
            month = date.fromisoformat(month_text + "-01")
        except ValueError:
            continue
        counts[(month, "reports")] += tally.count
        counts[(month, state)] += tally.count
    months = sorted({month for month, _key in counts}, reverse=True)
    return [
        {
            "month": month,
            "reports": counts[(month, "reports")],
            "verified": counts[(month, "verified")],
            "unfounded": counts[(month, "unfounded")],
        }
        for month in months
    ]


def outcome(state: str, sent_at: Any) -> str:
    """What became of a report, for the monthly counts: verified (it was sent), unfounded or other."""
    if sent_at is not None or state in {State.SENT, State.CLEARED}:
        return "verified"
    if state == State.UNFOUNDED:
        return "unfounded"
    return "other"
