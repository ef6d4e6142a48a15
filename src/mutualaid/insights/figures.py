"""Keeping the summary tables (`models.PostFigure`, `models.DurationFigure`) up to date.

`refresh` is run by the worker every five minutes (InsightsConfig.periodic). It finds the weeks
whose posts (or claims) changed since the high-water mark and recomputes each such week of each
group whole: delete its rows, count again. Recomputing a week gives the same rows however often it
runs, so a refresh that is repeated, or interrupted and run again, is harmless (idempotent); two
workers take the one mark row in turn (SELECT … FOR UPDATE SKIP LOCKED on PostgreSQL: the second
one finds it taken and leaves; SQLite lets one writer in at a time). The first run builds every week.

Changes within the last `LAG` are left to the next run, so a change whose transaction commits a
little after the time it carries is still seen (a post's `updated_at` is set before it commits).
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Case, CharField, Count, Min, OuterRef, Subquery, Value, When
from django.utils import timezone

from mutualaid.exchange.models import Claim, Kind, Post, Status
from mutualaid.insights.models import DurationFigure, FigureMark, PostFigure

LAG = datetime.timedelta(minutes=2)
MARK = "posts"
CLAIM, DONE = "claim", "done"


def week_of(moment: datetime.datetime) -> datetime.date:
    """Monday of the week `moment` falls in, in the site's time zone (as the dashboard counts)."""
    day = timezone.localtime(moment).date()
    return day - datetime.timedelta(days=day.weekday())


def week_bounds(week: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(week, datetime.time(), tzinfo=zone)
    end = datetime.datetime.combine(week + datetime.timedelta(weeks=1), datetime.time(), tzinfo=zone)
    return start, end


def bucket(hours: float) -> int:
    """The hours bucket a duration is counted in: whole hours below two days, then six-hour steps to
    a week, then whole days; 90 days and more count as 2160. A median or 90th percentile read from the
    buckets is within half an hour below two days, three hours to a week, half a day beyond."""
    hours = max(0.0, hours)
    if hours < 48:
        return round(hours)
    if hours < 168:
        return round(hours / 6) * 6
    return min(round(hours / 24) * 24, 2160)


def channel() -> Case:
    """How a post came in: an import, a text message, a member taking it in, or the web."""
    return Case(
        When(imported=True, then=Value("import")),
        When(contact__source="sms", then=Value("sms")),
        When(contact__isnull=False, then=Value("intake")),
        default=Value("web"),
        output_field=CharField(),
    )


def refresh(*, now: datetime.datetime | None = None, lag: datetime.timedelta = LAG) -> dict[str, int]:
    """Bring the figures up to `now - lag`; returns how many group-weeks were recomputed (or
    {"busy": 1} when another worker holds the mark)."""
    upto = (now or timezone.now()) - lag
    with transaction.atomic():
        FigureMark.objects.get_or_create(name=MARK)
        state = FigureMark.objects.select_for_update(skip_locked=True).filter(name=MARK).first()
        if state is None:
            return {"busy": 1}
        if state.mark is not None and state.mark >= upto:
            return {"weeks": 0}
        weeks = _changed_weeks(state.mark, upto)
        for group_id, week in sorted(weeks):
            _recompute(group_id, week)
        state.mark = upto
        state.refreshed_at = timezone.now()
        state.save(update_fields=["mark", "refreshed_at"])
    return {"weeks": len(weeks)}


def refreshed_at() -> datetime.datetime | None:
    """When the figures were last brought up to date (None before the first refresh)."""
    state = FigureMark.objects.filter(name=MARK).first()
    return state.mark if state is not None else None


def _changed_weeks(mark: datetime.datetime | None, upto: datetime.datetime) -> set[tuple[int, datetime.date]]:
    if mark is None:
        # First build: every week of every group from its first post to now.
        weeks: set[tuple[int, datetime.date]] = set()
        last = week_of(upto)
        for row in Post.objects.values("group_id").annotate(first=Min("created_at")).order_by():
            week = week_of(row["first"])
            while week <= last:
                weeks.add((row["group_id"], week))
                week += datetime.timedelta(weeks=1)
        return weeks
    changed: Iterable[tuple[int, datetime.datetime]] = Post.objects.filter(
        updated_at__gt=mark, updated_at__lte=upto
    ).values_list("group_id", "created_at")
    claimed: Iterable[tuple[int, datetime.datetime]] = Claim.objects.filter(
        created_at__gt=mark, created_at__lte=upto
    ).values_list("post__group_id", "post__created_at")
    return {(group_id, week_of(at)) for group_id, at in [*changed, *claimed]}


def _recompute(group_id: int, week: datetime.date) -> None:
    start, end = week_bounds(week)
    posts = Post.objects.filter(group_id=group_id, created_at__gte=start, created_at__lt=end)
    PostFigure.objects.filter(group_id=group_id, week=week).delete()
    DurationFigure.objects.filter(group_id=group_id, week=week).delete()
    counts = (
        posts.annotate(channel=channel())
        .values("kind", "category", "area", "channel", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    PostFigure.objects.bulk_create(
        [
            PostFigure(
                group_id=group_id,
                week=week,
                kind=row["kind"],
                category=row["category"],
                area=(row["area"] or "").strip()[:100],
                channel=row["channel"],
                status=row["status"],
                n=row["n"],
            )
            for row in _merged(dict(found) for found in counts)
        ]
    )
    first_claim = Subquery(
        Claim.objects.filter(post=OuterRef("pk"))
        .order_by()
        .values("post")
        .annotate(at=Min("created_at"))
        .values("at")
    )
    durations: Counter[tuple[str, str, int]] = Counter()
    needs = posts.filter(kind=Kind.NEED).annotate(first_claim=first_claim)
    for category, created, claimed, status, closed in needs.values_list(
        "category", "created_at", "first_claim", "status", "closed_at"
    ).iterator(chunk_size=5000):
        if claimed is not None:
            durations[(category, CLAIM, bucket((claimed - created).total_seconds() / 3600))] += 1
        if status == Status.FULFILLED and closed is not None:
            durations[(category, DONE, bucket((closed - created).total_seconds() / 3600))] += 1
    DurationFigure.objects.bulk_create(
        [
            DurationFigure(group_id=group_id, week=week, category=c, measure=m, hours=h, n=n)
            for (c, m, h), n in durations.items()
        ]
    )


def _merged(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Areas that differ only by surrounding spaces or length are one row (the unique key)."""
    merged: dict[tuple[str, ...], dict[str, Any]] = {}
    for row in rows:
        area = (row["area"] or "").strip()[:100]
        key = (row["kind"], row["category"], area, row["channel"], row["status"])
        if key in merged:
            merged[key]["n"] += row["n"]
        else:
            merged[key] = {**row, "area": area}
    return list(merged.values())
