"""Reads for the coordinator dashboard: every figure is a summary query (GROUP BY, window functions) in
the database, never a loop over posts in Python; every count goes through `suppression.suppress`.

Coordinators only (the views and the API check that): the tables count posts of every visibility.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualaid.core.categories import Category
from mutualaid.exchange.models import Claim, Kind, Post, Status
from mutualaid.groups.models import Group
from mutualaid.insights.suppression import SHOWN, SMALL, Cell, Table, suppress, suppress_count

PERIODS = (4, 12, 26, 52)  # weeks
DEFAULT_PERIOD = 12
CHANNELS = ("web", "sms", "intake", "import")


@dataclass(frozen=True)
class Filters:
    weeks: int = DEFAULT_PERIOD
    category: str = ""

    @classmethod
    def parse(cls, data: Any) -> Filters:
        try:
            weeks = int(data.get("weeks", DEFAULT_PERIOD))
        except (TypeError, ValueError):
            weeks = DEFAULT_PERIOD
        if weeks not in PERIODS:
            weeks = DEFAULT_PERIOD
        category = data.get("category", "") or ""
        if category not in Category.values:
            category = ""
        return cls(weeks=weeks, category=category)


@dataclass
class Insight:
    """One table as shown: labels, suppressed cells and totals (None where a table has no totals)."""

    key: str
    title: str
    row_labels: list[str]
    column_labels: list[str]
    rows: list[list[Cell]]
    row_totals: list[Cell] | None = None
    column_totals: list[Cell] | None = None
    total: Cell | None = None
    note: str = ""
    row_heading: str = ""

    @classmethod
    def of(
        cls,
        key: str,
        title: str,
        rows: list[str],
        columns: list[str],
        table: Table,
        *,
        totals: bool,
        row_heading: str = "",
    ) -> Insight:
        return cls(
            key=key,
            title=title,
            row_labels=rows,
            column_labels=columns,
            rows=table.rows,
            row_totals=table.row_totals if totals else None,
            column_totals=table.column_totals if totals else None,
            total=table.total if totals else None,
            row_heading=row_heading or _("Category"),
        )


def _start(filters: Filters) -> datetime.datetime:
    now = timezone.localtime()  # weeks start on Monday in the site's time zone, as TruncWeek counts them
    monday = (now - datetime.timedelta(days=now.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    return monday - datetime.timedelta(weeks=filters.weeks - 1)


def _posts(group: Group, filters: Filters) -> QuerySet[Post]:
    posts = Post.objects.filter(group=group, created_at__gte=_start(filters))
    if filters.category:
        posts = posts.filter(category=filters.category)
    return posts


def _categories(filters: Filters) -> list[tuple[str, str]]:
    return [(c.value, str(c.label)) for c in Category if not filters.category or c.value == filters.category]


def _weeks(filters: Filters) -> list[datetime.date]:
    start = _start(filters).date()
    return [start + datetime.timedelta(weeks=i) for i in range(filters.weeks)]


def _by_week(group: Group, filters: Filters, kind: str) -> tuple[Table, list[str], list[str]]:
    categories = _categories(filters)
    weeks = _weeks(filters)
    rows = {value: i for i, (value, _label) in enumerate(categories)}
    counts = [[0] * len(weeks) for _ in categories]
    # One count per week, each a plain range test on created_at (no date function per row: on SQLite
    # those are Python callbacks, and they were most of this query's time).
    zone = timezone.get_current_timezone()
    bounds = [
        datetime.datetime.combine(week + datetime.timedelta(weeks=k), datetime.time(), tzinfo=zone)
        for k in (0, 1)
        for week in weeks
    ]
    starts, ends = bounds[: len(weeks)], bounds[len(weeks) :]
    per_week = {
        f"w{i}": Count("id", filter=Q(created_at__gte=starts[i], created_at__lt=ends[i]))
        for i in range(len(weeks))
    }
    summary = _posts(group, filters).filter(kind=kind).values("category").annotate(**per_week).order_by()
    for found in summary:
        row: dict[str, Any] = dict(found)
        if row["category"] in rows:
            counts[rows[row["category"]]] = [row[f"w{i}"] for i in range(len(weeks))]
    return suppress(counts), [label for _v, label in categories], [w.isoformat() for w in weeks]


def _channel() -> Case:
    return Case(
        When(imported=True, then=Value("import")),
        When(contact__source="sms", then=Value("sms")),
        When(contact__isnull=False, then=Value("intake")),
        default=Value("web"),
        output_field=CharField(),
    )


class Seconds(Func):
    """Seconds from `earlier` to `later`, in the database's own arithmetic (no Python callback per row
    on SQLite, as Django's DurationField subtraction uses there)."""

    output_field = FloatField()

    def __init__(self, later: Any, earlier: Any) -> None:
        super().__init__(later, earlier)

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:  # type: ignore[override]
        later, earlier = self.get_source_expressions()
        later_sql, later_params = compiler.compile(later)
        earlier_sql, earlier_params = compiler.compile(earlier)
        params = [*later_params, *earlier_params]
        if connection.vendor == "sqlite":
            return f"((julianday({later_sql}) - julianday({earlier_sql})) * 86400.0)", params
        return f"EXTRACT(EPOCH FROM ({later_sql} - {earlier_sql}))", params


def _hours(seconds: Any) -> Cell:
    if seconds is None:
        return Cell(SMALL, None)
    return Cell(SHOWN, round(float(seconds) / 3600))


def _timing(group: Group, filters: Filters) -> Insight:
    needs = _posts(group, filters).filter(kind=Kind.NEED)
    first_claim = Subquery(
        Claim.objects.filter(post=OuterRef("pk"))
        .order_by()
        .values("post")
        .annotate(at=Min("created_at"))
        .values("at")
    )
    claimed = needs.annotate(first_claim=first_claim).filter(first_claim__isnull=False)
    to_claim = _percentile_table(claimed, Seconds(F("first_claim"), F("created_at")))
    fulfilled = needs.filter(status=Status.FULFILLED, closed_at__isnull=False)
    to_done = _percentile_table(fulfilled, Seconds(F("closed_at"), F("created_at")))
    categories = _categories(filters)
    rows: list[list[Cell]] = []
    for value, _label in categories:
        a = to_claim.get(value)
        b = to_done.get(value)
        none = Cell(SHOWN, None)
        rows.append([a[0] if a else none, a[1] if a else none, b[0] if b else none, b[1] if b else none])
    return Insight(
        key="timing",
        title=_("Hours to first claim and to fulfilment (needs)"),
        row_labels=[label for _v, label in categories],
        column_labels=[
            _("First claim: median"),
            _("First claim: 90th percentile"),
            _("Fulfilled: median"),
            _("Fulfilled: 90th percentile"),
        ],
        rows=rows,
        note=_("A time is shown only when it is taken over 11 needs or more."),
        row_heading=_("Category"),
    )


def _percentile_table(posts: QuerySet[Post], duration: Any) -> dict[str, tuple[Cell, Cell]]:
    """Median and 90th percentile of `duration` per category, in hours, computed in the database.

    One query numbers the rows within their category by duration (ROW_NUMBER, COUNT over the
    partition) and keeps only the rows at the two nearest ranks: ceil(n/2) and ceil(9n/10)."""
    numbered = posts.annotate(
        took=duration,
        rank=Window(RowNumber(), partition_by=[F("category")], order_by=[F("took").asc(), F("id").asc()]),
        n=Window(Count("id"), partition_by=[F("category")]),
    )
    # ceil(n * k / 10) in integers: (n * k + 9) / 10.
    median_rank = ExpressionWrapper((F("n") * 5 + 9) / 10, output_field=IntegerField())
    p90_rank = ExpressionWrapper((F("n") * 9 + 9) / 10, output_field=IntegerField())
    picked = numbered.annotate(median_rank=median_rank, p90_rank=p90_rank).values(
        "category", "took", "rank", "n", "median_rank", "p90_rank"
    )
    out: dict[str, tuple[Cell, Cell]] = {}
    seen: dict[str, dict[str, Any]] = {}
    counts: dict[str, int] = {}
    for row in picked.filter(Q(rank=F("median_rank")) | Q(rank=F("p90_rank"))).order_by():
        counts[row["category"]] = row["n"]
        slot = seen.setdefault(row["category"], {})
        if row["rank"] == row["median_rank"]:
            slot["median"] = row["took"]
        if row["rank"] == row["p90_rank"]:
            slot["p90"] = row["took"]
    for category, n in counts.items():
        if suppress_count(n).state == SMALL:
            out[category] = (Cell(SMALL, None), Cell(SMALL, None))
        else:
            out[category] = (_hours(seen[category].get("median")), _hours(seen[category].get("p90")))
    return out


def dashboard(group: Group, filters: Filters) -> list[Insight]:
    needs, categories, weeks = _by_week(group, filters, Kind.NEED)
    offers, _c, _w = _by_week(group, filters, Kind.OFFER)
    tables = [
        Insight.of("needs", _("Needs by category and week"), categories, weeks, needs, totals=True),
        Insight.of("offers", _("Offers by category and week"), categories, weeks, offers, totals=True),
        _timing(group, filters),
        _outcomes(group, filters),
        _intake(group, filters, hidden_needs=needs.suppressed > 0, hidden_offers=offers.suppressed > 0),
    ]
    return tables


def _outcomes(group: Group, filters: Filters) -> Insight:
    states = [
        (Status.OPEN.value, _("Still open, unclaimed")),
        (Status.EXPIRED.value, _("Expired unmet")),
        (Status.FULFILLED.value, _("Fulfilled")),
    ]
    categories = _categories(filters)
    rows = {value: i for i, (value, _label) in enumerate(categories)}
    columns = {value: i for i, (value, _label) in enumerate(states)}
    counts = [[0] * len(states) for _ in categories]
    summary = (
        _posts(group, filters)
        .filter(kind=Kind.NEED, status__in=list(columns))
        .values("category", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in summary:
        if row["category"] in rows:
            counts[rows[row["category"]]][columns[row["status"]]] = row["n"]
    # No totals: the three states are not every state, and a total here would add up hidden cells of
    # the week table.
    return Insight.of(
        "outcomes",
        _("Unmet and expired needs by category"),
        [label for _v, label in categories],
        [label for _v, label in states],
        suppress(counts),
        totals=False,
    )


def _intake(group: Group, filters: Filters, *, hidden_needs: bool, hidden_offers: bool) -> Insight:
    labels = {
        "web": _("Web"),
        "sms": _("Text message"),
        "intake": _("Taken in by a member"),
        "import": _("Import"),
    }
    kinds = [(Kind.NEED.value, _("Needs")), (Kind.OFFER.value, _("Offers"))]
    counts = [[0, 0] for _ in CHANNELS]
    summary = (
        _posts(group, filters).annotate(channel=_channel()).values("channel", "kind").annotate(n=Count("id"))
    )
    for row in summary.order_by():
        counts[CHANNELS.index(row["channel"])][0 if row["kind"] == Kind.NEED else 1] += row["n"]
    # Zero is shown as "fewer than 11" here, so a hidden neighbour is always 11 or more. A column here adds up to the same number as the week table of that kind: when that one hides
    # cells, this column keeps two hidden too (suppression.suppress, open_columns), and no totals.
    open_columns = [i for i, hidden in enumerate((hidden_needs, hidden_offers)) if hidden]
    return Insight.of(
        "intake",
        _("Intake by channel"),
        [labels[c] for c in CHANNELS],
        [label for _v, label in kinds],
        suppress(counts, open_columns=open_columns, zero_is_small=True, columns_only=True),
        totals=False,
        row_heading=_("Channel"),
    )
