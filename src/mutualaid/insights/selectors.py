"""Reads for the coordinator dashboard: every figure is a sum over the summary tables the worker keeps
(`figures.refresh`), never a pass over the posts themselves; every count goes through
`suppression.suppress`. `as_of` says how fresh they are.

Coordinators only (the views and the API check that): the tables count posts of every visibility.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualaid.core.categories import Category
from mutualaid.exchange.models import Kind, Status
from mutualaid.groups.models import Group
from mutualaid.insights import figures
from mutualaid.insights.models import DurationFigure, PostFigure
from mutualaid.insights.suppression import (
    HIDDEN,
    SHOWN,
    SMALL,
    THRESHOLD,
    Cell,
    Table,
    suppress,
    suppress_count,
)

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
            row.extend(percentiles(buckets.get((value, measure), [])))
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


def percentiles(buckets: list[tuple[int, int]]) -> tuple[Cell, Cell]:
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
        *_unmet_and_idle(group, filters),
        _intake(group, filters, hidden_needs=needs.suppressed > 0, hidden_offers=offers.suppressed > 0),
        _areas(group, filters, hidden_needs=needs.suppressed > 0, hidden_offers=offers.suppressed > 0),
        _matching(group, filters),
        _shifts(group, filters),
        _funds(group, filters),
    ]
    return tables


def _by_status(
    group: Group, filters: Filters, *, kind: str, states: list[tuple[str, str]], key: str, title: str
) -> Insight:
    """Posts of one kind by category and by some of their states. No totals: the states shown are not
    every state, and a total here would add up hidden cells of the week table."""
    categories = _categories(filters)
    rows = {value: i for i, (value, _label) in enumerate(categories)}
    columns = {value: i for i, (value, _label) in enumerate(states)}
    counts = [[0] * len(states) for _ in categories]
    summary = (
        _figures(group, filters)
        .filter(kind=kind, status__in=list(columns))
        .values("category", "status")
        .annotate(n=Sum("n"))
        .order_by()
    )
    for row in summary:
        if row["category"] in rows:
            counts[rows[row["category"]]][columns[row["status"]]] = row["n"]
    return Insight.of(
        key,
        title,
        [label for _v, label in categories],
        [label for _v, label in states],
        suppress(counts),
        totals=False,
    )


def _unmet_and_idle(group: Group, filters: Filters) -> list[Insight]:
    """Needs by whether they were met, offers by whether they were used: open, expired, fulfilled."""
    states = (Status.OPEN.value, Status.EXPIRED.value, Status.FULFILLED.value)
    tables = (
        (
            "outcomes",
            Kind.NEED,
            _("Unmet and expired needs by category"),
            (_("Still open, unclaimed"), _("Expired unmet"), _("Fulfilled")),
        ),
        (
            "offers_idle",
            Kind.OFFER,
            _("Offers idle and used, by category"),
            (_("Still open, never claimed"), _("Expired unused"), _("Given")),
        ),
    )
    return [
        _by_status(
            group, filters, kind=kind, states=list(zip(states, labels, strict=True)), key=key, title=title
        )
        for key, kind, title, labels in tables
    ]


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


def _months(filters: Filters) -> list[datetime.date]:
    start = _start(filters).date().replace(day=1)
    today = timezone.localdate()
    months = []
    while start <= today:
        months.append(start)
        start = (start + datetime.timedelta(days=32)).replace(day=1)
    return months


def _shifts(group: Group, filters: Filters) -> Insight:
    """Shifts held, places filled and no-shows per week (counts only: nobody is named)."""
    from mutualaid.shifts.models import Occurrence, OccurrenceStatus, Signup, SignupState

    weeks = _weeks(filters)
    rows = {week: i for i, week in enumerate(weeks)}
    counts = [[0, 0, 0] for _ in weeks]
    held = Occurrence.objects.filter(
        series__group=group, starts_at__gte=_start(filters), starts_at__lt=timezone.now()
    ).exclude(status=OccurrenceStatus.CANCELLED)
    for at in held.values_list("starts_at", flat=True):
        week = figures.week_of(at)
        if week in rows:
            counts[rows[week]][0] += 1
    signups = Signup.objects.filter(occurrence__in=held, state=SignupState.CONFIRMED)
    for at, attended in signups.values_list("occurrence__starts_at", "attended"):
        week = figures.week_of(at)
        if week in rows:
            counts[rows[week]][1] += 1
            counts[rows[week]][2] += attended is False
    # The number of shifts names nobody; places filled and no-shows count people and go through the rule.
    people = suppress([row[1:] for row in counts], columns_only=True)
    return Insight(
        key="shifts",
        title=_("Shifts held, places filled and no-shows"),
        row_labels=[w.isoformat() for w in weeks],
        column_labels=[_("Shifts held"), _("Places filled"), _("No-shows")],
        rows=[[Cell(SHOWN, counts[i][0]), *people.rows[i]] for i in range(len(weeks))],
        row_heading=_("Week"),
    )


def _matching(group: Group, filters: Filters) -> Insight:
    """Matching rounds per month: needs each round considered, proposed and matched, and the share of
    needs considered that were matched (shown only when both counts are)."""
    from mutualaid.matching.models import Proposal, Round

    months = _months(filters)
    rows = {month: i for i, month in enumerate(months)}
    rounds = [0] * len(months)
    counts = [[0, 0, 0] for _ in months]
    held = Round.objects.filter(group=group, started_at__gte=_start(filters))
    for at, stats in held.values_list("started_at", "stats"):
        month = timezone.localtime(at).date().replace(day=1)
        if month in rows:
            rounds[rows[month]] += 1
            counts[rows[month]][0] += int((stats or {}).get("needs", 0) or 0)
    proposals = Proposal.objects.filter(round__in=held)
    for at, state in proposals.values_list("round__started_at", "state"):
        month = timezone.localtime(at).date().replace(day=1)
        if month in rows:
            counts[rows[month]][1] += 1
            counts[rows[month]][2] += state == Proposal.State.MATCHED
    table = suppress(counts, columns_only=True)
    out = []
    for i in range(len(months)):
        considered, _proposed, matched = table.rows[i]
        if considered.shown and matched.shown and considered.value:
            share = Cell(SHOWN, round(100 * (matched.value or 0) / considered.value))
        elif considered.shown and not considered.value:
            share = Cell(SHOWN, None)
        else:
            share = Cell(HIDDEN, None)
        out.append([Cell(SHOWN, rounds[i]), *table.rows[i], share])
    return Insight(
        key="matching",
        title=_("Matching rounds: needs served"),
        row_labels=[m.strftime("%Y-%m") for m in months],
        column_labels=[
            _("Rounds"),
            _("Needs considered"),
            _("Matches proposed"),
            _("Matched by both sides"),
            _("Served share (%)"),
        ],
        rows=out,
        row_heading=_("Month"),
    )


def _funds(group: Group, filters: Filters) -> Insight:
    """Money in (contributions) and out (disbursements, bail posted) per category and month, in whole
    currency units. An amount is shown only when it adds up 11 transactions or more (the rule runs on
    the number of transactions), so a single grant never shows."""
    from mutualaid.funds.models import Transaction, TransactionKind

    months = _months(filters)
    directions = {
        TransactionKind.CONTRIBUTION.value: 0,
        TransactionKind.DISBURSEMENT.value: 1,
        TransactionKind.BAIL_POSTED.value: 1,
    }
    found = (
        Transaction.objects.filter(
            fund__group=group, occurred_on__gte=_start(filters).date(), kind__in=list(directions)
        )
        .values_list("category", "currency", "occurred_on", "kind")
        .annotate(n=Count("id"), amount=Sum("amount"))
        .order_by()
    )
    if filters.category:
        found = found.filter(category=filters.category)
    currencies = sorted({row[1] for row in found}) or [group_currency(group)]
    columns = [(m, d, cur) for m in months for d in (0, 1) for cur in currencies]
    index = {key: i for i, key in enumerate(columns)}
    labels = [
        (c.value, str(c.label)) for c in Category if not filters.category or c.value == filters.category
    ]
    labels.append(("", _("No category")))
    rows = {value: i for i, (value, _label) in enumerate(labels)}
    counts = [[0] * len(columns) for _ in labels]
    amounts = [[0] * len(columns) for _ in labels]
    for category, currency, day, kind, n, amount in found:
        key = (day.replace(day=1), directions[kind], currency)
        if key in index and category in rows:
            counts[rows[category]][index[key]] += n
            amounts[rows[category]][index[key]] += amount
    table = suppress(counts)
    cells = [
        [Cell(SHOWN, amounts[r][c] // 100) if cell.shown else cell for c, cell in enumerate(row)]
        for r, row in enumerate(table.rows)
    ]
    direction = (_("in"), _("out"))
    return Insight(
        key="funds",
        title=_("Money in and out by category and month"),
        row_labels=[label for _v, label in labels],
        column_labels=[f"{m.strftime('%Y-%m')} {direction[d]}" + f" ({cur})" for m, d, cur in columns],
        rows=cells,
        note=_("Whole currency units. An amount is shown only when it adds up 11 transactions or more."),
        row_heading=_("Category"),
    )


def group_currency(group: Group) -> str:
    from mutualaid.funds.models import Fund

    return Fund.objects.filter(group=group).values_list("currency", flat=True).first() or "USD"
