"""Reads for the coordinator dashboard: every figure is a sum over the summary tables the worker keeps
(`figures.refresh`), never a pass over the posts themselves; every count goes through
`suppression.suppress`. `as_of` says how fresh they are.

Coordinators only (the views and the API check that): the tables count posts of every visibility.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualaid.core.categories import Category
from mutualaid.exchange.models import Kind, Status
from mutualaid.groups.models import Group
from mutualaid.insights import figures
from mutualaid.insights.models import DurationFigure, PostFigure
from mutualaid.insights.suppression import SHOWN, SMALL, THRESHOLD, Cell, Table, suppress, suppress_count

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


def _figures(group: Group, filters: Filters) -> QuerySet[PostFigure]:
    figures = PostFigure.objects.filter(group=group, week__gte=_start(filters).date())
    if filters.category:
        figures = figures.filter(category=filters.category)
    return figures


def _categories(filters: Filters) -> list[tuple[str, str]]:
    return [(c.value, str(c.label)) for c in Category if not filters.category or c.value == filters.category]


def _weeks(filters: Filters) -> list[datetime.date]:
    start = _start(filters).date()
    return [start + datetime.timedelta(weeks=i) for i in range(filters.weeks)]


def _by_week(group: Group, filters: Filters, kind: str) -> tuple[Table, list[str], list[str]]:
    categories = _categories(filters)
    weeks = _weeks(filters)
    rows = {value: i for i, (value, _label) in enumerate(categories)}
    columns = {week: i for i, week in enumerate(weeks)}
    counts = [[0] * len(weeks) for _ in categories]
    summary = (
        _figures(group, filters).filter(kind=kind).values("category", "week").annotate(n=Sum("n")).order_by()
    )
    for row in summary:
        if row["category"] in rows and row["week"] in columns:
            counts[rows[row["category"]]][columns[row["week"]]] = row["n"]
    return suppress(counts), [label for _v, label in categories], [w.isoformat() for w in weeks]


def _hours(seconds: Any) -> Cell:
    if seconds is None:
        return Cell(SMALL, None)
    return Cell(SHOWN, round(float(seconds) / 3600))


def _timing(group: Group, filters: Filters) -> Insight:
    durations = DurationFigure.objects.filter(group=group, week__gte=_start(filters).date())
    if filters.category:
        durations = durations.filter(category=filters.category)
    buckets: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for found in durations.values("category", "measure", "hours").annotate(n=Sum("n")).order_by("hours"):
        buckets.setdefault((found["category"], found["measure"]), []).append((found["hours"], found["n"]))
    categories = _categories(filters)
    rows: list[list[Cell]] = []
    for value, _label in categories:
        row: list[Cell] = []
        for measure in (figures.CLAIM, figures.DONE):
            row.extend(_percentiles(buckets.get((value, measure), [])))
        rows.append(row)
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


def _percentiles(buckets: list[tuple[int, int]]) -> tuple[Cell, Cell]:
    """Median and 90th percentile (nearest rank: ceil(n/2), ceil(9n/10)) of sorted hour buckets."""
    n = sum(count for _hours, count in buckets)
    if n == 0:
        return Cell(SHOWN, None), Cell(SHOWN, None)
    if suppress_count(n).state == SMALL:
        return Cell(SMALL, None), Cell(SMALL, None)
    picked = []
    for rank in ((n * 5 + 9) // 10, (n * 9 + 9) // 10):
        seen = 0
        for hours, count in buckets:
            seen += count
            if seen >= rank:
                picked.append(Cell(SHOWN, hours))
                break
    return picked[0], picked[1]


def as_of() -> datetime.datetime | None:
    """Posts changed up to this time are in the figures (None: the worker has not counted yet)."""
    return figures.refreshed_at()


def dashboard(group: Group, filters: Filters) -> list[Insight]:
    needs, categories, weeks = _by_week(group, filters, Kind.NEED)
    offers, _c, _w = _by_week(group, filters, Kind.OFFER)
    tables = [
        Insight.of("needs", _("Needs by category and week"), categories, weeks, needs, totals=True),
        Insight.of("offers", _("Offers by category and week"), categories, weeks, offers, totals=True),
        _timing(group, filters),
        _outcomes(group, filters),
        _offers_idle(group, filters),
        _intake(group, filters, hidden_needs=needs.suppressed > 0, hidden_offers=offers.suppressed > 0),
        _areas(group, filters, hidden_needs=needs.suppressed > 0, hidden_offers=offers.suppressed > 0),
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
        _figures(group, filters)
        .filter(kind=Kind.NEED, status__in=list(columns))
        .values("category", "status")
        .annotate(n=Sum("n"))
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
    summary = _figures(group, filters).values("channel", "kind").annotate(n=Sum("n"))
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


def _offers_idle(group: Group, filters: Filters) -> Insight:
    states = [
        (Status.OPEN.value, _("Still open, never claimed")),
        (Status.EXPIRED.value, _("Expired unused")),
        (Status.FULFILLED.value, _("Given")),
    ]
    categories = _categories(filters)
    rows = {value: i for i, (value, _label) in enumerate(categories)}
    columns = {value: i for i, (value, _label) in enumerate(states)}
    counts = [[0] * len(states) for _ in categories]
    summary = (
        _figures(group, filters)
        .filter(kind=Kind.OFFER, status__in=list(columns))
        .values("category", "status")
        .annotate(n=Sum("n"))
        .order_by()
    )
    for row in summary:
        if row["category"] in rows:
            counts[rows[row["category"]]][columns[row["status"]]] = row["n"]
    # No totals, and not every state: as with unmet needs, a row never adds up to the week table's.
    return Insight.of(
        "offers_idle",
        _("Offers idle and used, by category"),
        [label for _v, label in categories],
        [label for _v, label in states],
        suppress(counts),
        totals=False,
    )


UNMET = (Status.OPEN.value, Status.EXPIRED.value)


def _areas(group: Group, filters: Filters, *, hidden_needs: bool, hidden_offers: bool) -> Insight:
    """Needs, offers and unmet needs by coarse area (postal code or neighbourhood as posted).

    An area is named only when it counts 11 posts or more in the period; the others are added up as
    "Other areas" (and posts without an area as "No area given"), so the list of names never says
    that someone posted from a place few people post from. The cells then go through the rule as the
    intake table does (its columns add up to figures other tables show)."""
    per_area: dict[str, list[int]] = {}
    summary = _figures(group, filters).values("area", "kind", "status").annotate(n=Sum("n")).order_by()
    for row in summary:
        counts = per_area.setdefault(row["area"].casefold(), [0, 0, 0])
        if row["kind"] == Kind.NEED:
            counts[0] += row["n"]
            if row["status"] in UNMET:
                counts[2] += row["n"]
        else:
            counts[1] += row["n"]
    names = {row["area"].casefold(): row["area"] for row in summary}
    named = sorted(
        (key for key, c in per_area.items() if key and c[0] + c[1] >= THRESHOLD), key=lambda k: names[k]
    )
    others = [0, 0, 0]
    for key, c in per_area.items():
        if key not in named and key:
            others = [a + b for a, b in zip(others, c, strict=True)]
    labels = [names[key] for key in named]
    counts_table = [per_area[key] for key in named]
    if any(others):
        labels.append(_("Other areas"))
        counts_table.append(others)
    if any(per_area.get("", [])):
        labels.append(_("No area given"))
        counts_table.append(per_area[""])
    open_columns = [i for i, hidden in enumerate((hidden_needs, hidden_offers, hidden_needs)) if hidden]
    return Insight.of(
        "areas",
        _("Needs, offers and unmet needs by area"),
        labels,
        [_("Needs"), _("Offers"), _("Unmet needs (open or expired)")],
        suppress(counts_table, open_columns=open_columns, zero_is_small=True, columns_only=True),
        totals=False,
        row_heading=_("Area"),
    )
