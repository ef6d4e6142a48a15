"""Keeping the summary tables (`models.PostFigure`, `models.DurationFigure`) up to date.

`refresh` is run by the worker every five minutes (InsightsConfig.periodic). It finds the weeks
whose posts (or claims) changed since the high-water mark and recomputes each such week of each
group whole: delete its rows, count again, one row set per month the week's days fall in (a week
that crosses into a new month is counted in two parts, so months add up to exactly their own days). Recomputing a week gives the same rows however often it
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
from dataclasses import dataclass
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


def segments(week: datetime.date) -> list[tuple[datetime.date, datetime.date, datetime.date]]:
    """The parts of a week that fall in one month each: (month, first day, day after the last). A week
    that crosses into a new month (Monday 28 November to Sunday 4 December) is two parts, so that a
    post of the 1st counts in the month of the 1st."""
    out = []
    first = week
    for offset in range(1, 8):
        day = week + datetime.timedelta(days=offset)
        if day.day == 1 or offset == 7:
            out.append((first.replace(day=1), first, day))
            first = day
    return out


def day_start(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), tzinfo=timezone.get_current_timezone())


@dataclass(frozen=True)
class Models:
    """The models a recount reads and writes: today's, or a migration's historical ones."""

    post: Any = Post
    claim: Any = Claim
    post_figure: Any = PostFigure
    duration_figure: Any = DurationFigure

    @classmethod
    def of(cls, apps: Any) -> Models:
        return cls(
            post=apps.get_model("exchange", "Post"),
            claim=apps.get_model("exchange", "Claim"),
            post_figure=apps.get_model("insights", "PostFigure"),
            duration_figure=apps.get_model("insights", "DurationFigure"),
        )


PostKey = tuple[Any, ...]  # month, kind, category, area, channel, status
DurationKey = tuple[Any, ...]  # month, category, measure, hours


def _count(group_id: int, week: datetime.date, m: Models) -> tuple[Counter[PostKey], Counter[DurationKey]]:
    """The figures of one group-week, counted from its posts, month part by month part."""
    posts_counted: Counter[PostKey] = Counter()
    durations: Counter[DurationKey] = Counter()
    for month, first, after in segments(week):
        posts = m.post.objects.filter(
            group_id=group_id, created_at__gte=day_start(first), created_at__lt=day_start(after)
        )
        counts = (
            posts.annotate(channel=channel())
            .values("kind", "category", "area", "channel", "status")
            .annotate(n=Count("id"))
            .order_by()
        )
        for row in counts:
            area = (row["area"] or "").strip()[:100]
            posts_counted[(month, row["kind"], row["category"], area, row["channel"], row["status"])] += row[
                "n"
            ]
        first_claim = Subquery(
            m.claim.objects.filter(post=OuterRef("pk"))
            .order_by()
            .values("post")
            .annotate(at=Min("created_at"))
            .values("at")
        )
        needs = posts.filter(kind=Kind.NEED).annotate(first_claim=first_claim)
        for category, created, claimed, status, closed in needs.values_list(
            "category", "created_at", "first_claim", "status", "closed_at"
        ).iterator(chunk_size=5000):
            if claimed is not None:
                durations[(month, category, CLAIM, bucket((claimed - created).total_seconds() / 3600))] += 1
            if status == Status.FULFILLED and closed is not None:
                durations[(month, category, DONE, bucket((closed - created).total_seconds() / 3600))] += 1
    return posts_counted, durations


def _write(
    group_id: int,
    week: datetime.date,
    posts: Counter[PostKey],
    durations: Counter[DurationKey],
    m: Models,
) -> None:
    m.post_figure.objects.filter(group_id=group_id, week=week).delete()
    m.duration_figure.objects.filter(group_id=group_id, week=week).delete()
    m.post_figure.objects.bulk_create(
        [
            m.post_figure(
                group_id=group_id,
                week=week,
                month=month,
                kind=kind,
                category=category,
                area=area,
                channel=via,
                status=status,
                n=n,
            )
            for (month, kind, category, area, via, status), n in posts.items()
            if n
        ]
    )
    m.duration_figure.objects.bulk_create(
        [
            m.duration_figure(group_id=group_id, week=week, month=month, category=c, measure=me, hours=h, n=n)
            for (month, c, me, h), n in durations.items()
            if n
        ]
    )


def _recompute(group_id: int, week: datetime.date, m: Models | None = None) -> None:
    m = m or Models()
    _write(group_id, week, *_count(group_id, week, m), m)


def rebuild_week(group_id: int, week: datetime.date, m: Models | None = None) -> None:
    """Give a group-week counted before months were (rows without `month`) its month rows.

    A week within one month keeps its rows and is given their month: nothing is recounted, so posts
    purged by retention since stay counted. A week that crosses into a new month is recounted from its
    posts, part by part; whatever the old rows counted beyond what is still there (purged posts) stays
    in the month of the week's Monday, where it was. Run in a transaction per week: a rebuild that
    stops halfway goes on from the first week still without months."""
    m = m or Models()
    parts = segments(week)
    if len(parts) == 1:
        m.post_figure.objects.filter(group_id=group_id, week=week, month=None).update(month=parts[0][0])
        m.duration_figure.objects.filter(group_id=group_id, week=week, month=None).update(month=parts[0][0])
        return
    posts, durations = _count(group_id, week, m)
    monday = parts[0][0]
    old_posts: Counter[tuple[str, ...]] = Counter()
    for row in m.post_figure.objects.filter(group_id=group_id, week=week).values(
        "kind", "category", "area", "channel", "status", "n"
    ):
        old_posts[(row["kind"], row["category"], row["area"], row["channel"], row["status"])] += row["n"]
    for key, n in old_posts.items():
        left = n - sum(posts[(month, *key)] for month, _first, _after in parts)
        if left > 0:
            posts[(monday, *key)] += left
    old_durations: Counter[tuple[Any, ...]] = Counter()
    for row in m.duration_figure.objects.filter(group_id=group_id, week=week).values(
        "category", "measure", "hours", "n"
    ):
        old_durations[(row["category"], row["measure"], row["hours"])] += row["n"]
    for key, n in old_durations.items():
        left = n - sum(durations[(month, *key)] for month, _first, _after in parts)
        if left > 0:
            durations[(monday, *key)] += left
    _write(group_id, week, posts, durations, m)


def rebuild(apps: Any = None, *, batch: int = 200) -> int:
    """Give every group-week counted before months were its month rows (`rebuild_week`), a batch of
    weeks at a time, each week in its own transaction; returns how many weeks it rebuilt."""
    m = Models.of(apps) if apps is not None else Models()
    done = 0
    while True:
        weeks = {
            *m.post_figure.objects.filter(month=None).values_list("group_id", "week").distinct()[:batch],
            *m.duration_figure.objects.filter(month=None).values_list("group_id", "week").distinct()[:batch],
        }
        if not weeks:
            return done
        for group_id, week in sorted(weeks):
            with transaction.atomic():
                rebuild_week(group_id, week, m)
            done += 1
