"""The public impact page and the one-page impact report: the dashboard's figures at a coarser level.

Months instead of weeks, category instead of area, and only posts (needs, needs fulfilled, offers),
shifts and money. Every count goes through the same rule as the dashboard (`suppression`), and the
figures come from the same summary tables the worker keeps, so a page costs a few queries whatever the
number of posts. A week is counted in the month its Monday falls in (the summary tables count weeks).

Nothing here names a person, a post or a place finer than a category.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from mutualaid.core.categories import Category
from mutualaid.exchange.models import Kind, Status
from mutualaid.groups.models import Group
from mutualaid.insights.models import DurationFigure, ImpactPage, PostFigure
from mutualaid.insights.suppression import SHOWN, SMALL, Cell, suppress, suppress_count

PUBLIC_MONTHS = 12
REPORT_MAX_MONTHS = 24


def is_public(group: Group) -> bool:
    return ImpactPage.objects.filter(group=group, public=True).exists()


def first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_months(month: datetime.date, n: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + n
    return datetime.date(index // 12, index % 12 + 1, 1)


def month_range(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    months = []
    month = first_of_month(first)
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


def _month(text: Any) -> datetime.date:
    year, month = str(text).split("-")
    if len(year) != 4 or len(month) != 2:
        raise ValueError(text)
    return datetime.date(int(year), int(month), 1)


@dataclass(frozen=True)
class Period:
    """Whole months from `first` to `last` (both included)."""

    first: datetime.date
    last: datetime.date

    @classmethod
    def recent(cls, months: int = PUBLIC_MONTHS) -> Period:
        this = first_of_month(timezone.localdate())
        return cls(add_months(this, 1 - months), this)

    @classmethod
    def parse(cls, data: Any) -> Period:
        """`start` and `end` as YYYY-MM; anything unreadable, reversed or longer than two years falls
        back to the last twelve months."""
        default = cls.recent()
        try:
            first = _month(data.get("start", ""))
            last = _month(data.get("end", ""))
        except (TypeError, ValueError):
            return default
        if last < first or len(month_range(first, last)) > REPORT_MAX_MONTHS:
            return default
        return cls(first, last)

    @property
    def months(self) -> list[datetime.date]:
        return month_range(self.first, self.last)

    @property
    def end(self) -> datetime.date:
        """The first day after the period."""
        return add_months(self.last, 1)

    @property
    def query(self) -> str:
        return f"start={self.first:%Y-%m}&end={self.last:%Y-%m}"


@dataclass
class MonthTable:
    """Categories by months, suppressed, with a chart of the month totals."""

    key: str
    title: str
    row_labels: list[str]
    months: list[datetime.date]
    rows: list[list[Cell]]
    row_totals: list[Cell]
    column_totals: list[Cell]
    total: Cell
    column_floor: list[int] = field(default_factory=list)  # the sum of the shown cells of each month

    @property
    def column_labels(self) -> list[str]:
        return [f"{m:%Y-%m}" for m in self.months]


def _post_counts(group: Group, first: datetime.date, end: datetime.date) -> list[dict[str, Any]]:
    return [
        dict(row)
        for row in PostFigure.objects.filter(group=group, week__gte=first, week__lt=end)
        .values("category", "week", "kind", "status")
        .annotate(n=Sum("n"))
        .order_by()
    ]


def _counts(row: dict[str, Any], what: str) -> bool:
    """Whether a summary row counts towards `what`: needs, fulfilled (needs), offers or given (offers)."""
    if what in ("needs", "fulfilled"):
        return row["kind"] == Kind.NEED and (what == "needs" or row["status"] == Status.FULFILLED)
    return row["kind"] == Kind.OFFER and (what == "offers" or row["status"] == Status.FULFILLED)


def public_tables(group: Group, period: Period) -> list[MonthTable]:
    """Needs made, needs fulfilled and offers made per category and month (one query)."""
    months = period.months
    found = _post_counts(group, period.first, period.end)
    columns = {m: i for i, m in enumerate(months)}
    specs = [
        ("needs", _("Needs made")),
        ("fulfilled", _("Needs fulfilled (by the month they were made)")),
        ("offers", _("Offers made")),
    ]
    # Only the categories with any post in the period: an empty row names nobody, and leaving it
    # out keeps the page small.
    used = {r["category"] for r in found if r["n"]}
    categories = [(c.value, str(c.label)) for c in Category if c.value in used]
    rows = {value: i for i, (value, _label) in enumerate(categories)}
    tables = []
    for key, title in specs:
        counts = [[0] * len(months) for _ in categories]
        for r in found:
            month = first_of_month(r["week"])
            if _counts(r, key) and r["category"] in rows and month in columns:
                counts[rows[r["category"]]][columns[month]] += r["n"]
        table = suppress(counts) if categories else suppress([[0] * len(months)])
        floor = [sum(row[c].value or 0 for row in table.rows if row[c].shown) for c in range(len(months))]
        tables.append(
            MonthTable(
                key=key,
                title=title,
                row_labels=[label for _v, label in categories] or [_("All categories")],
                months=months,
                rows=table.rows,
                row_totals=table.row_totals,
                column_totals=table.column_totals,
                total=table.total,
                column_floor=floor,
            )
        )
    return tables


def cell_text(cell: Cell | None) -> str:
    if cell is None:
        return ""
    if cell.state == SMALL:
        return _("fewer than 11")
    if not cell.shown:
        return _("hidden")
    return "" if cell.value is None else str(cell.value)


BAR = 18
GAP = 6
LABEL = 64
WIDTH = 320


def chart(table: MonthTable) -> SafeString:
    """A horizontal bar per month: the month's total when it is shown, else the sum of the cells that
    are shown, marked "at least" (nothing the table does not already say). Same-origin SVG inline,
    no script and no style attribute; the table under it gives every figure."""
    values = []
    for i, total in enumerate(table.column_totals):
        values.append((total.value or 0, True) if total.shown else (table.column_floor[i], False))
    top = max([v for v, _exact in values] + [1])
    height = len(values) * (BAR + GAP) + GAP
    span = WIDTH - LABEL - 56
    bars = []
    for i, ((value, exact), month) in enumerate(zip(values, table.column_labels, strict=True)):
        y = GAP + i * (BAR + GAP)
        width = round(span * value / top)
        text = str(value) if exact else "≥ " + str(value)
        bars.append(
            (
                LABEL - 4,
                y + BAR - 5,
                month,
                LABEL,
                y,
                max(width, 1 if value else 0),
                BAR,
                "#0b5d3b" if exact else "#7aa893",
                LABEL + width + 4,
                y + BAR - 5,
                text,
            )
        )
    body = format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="end">{}</text><rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>'
        '<text x="{}" y="{}">{}</text>',
        bars,
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="100%" role="img" '
        'aria-labelledby="chart-{key}" font-size="12" font-family="system-ui,sans-serif">'
        '<title id="chart-{key}">{title}</title>{body}</svg>',
        w=WIDTH,
        h=height,
        key=table.key,
        title=_("%(title)s per month; the table below gives every figure.") % {"title": table.title},
        body=body,
    )


@dataclass
class Report:
    """The one-page impact report of a period."""

    period: Period
    headline: list[tuple[str, Cell]]
    categories: list[str]
    columns: list[str]
    rows: list[list[Cell]]
    timing: list[tuple[str, Cell]]
    shifts: list[tuple[str, Cell]]
    money: list[tuple[str, str, Cell]]  # label, currency, whole units


def report(group: Group, period: Period) -> Report:
    found = _post_counts(group, period.first, period.end)
    used = sorted({r["category"] for r in found if r["n"]}, key=lambda v: Category.values.index(v))
    columns = [
        (_("Needs made"), "needs"),
        (_("Needs fulfilled"), "fulfilled"),
        (_("Offers made"), "offers"),
        (_("Offers given"), "given"),
    ]
    counts = [[0] * len(columns) for _ in used]
    for r in found:
        if r["category"] in used:
            for c, (_label, what) in enumerate(columns):
                if _counts(r, what):
                    counts[used.index(r["category"])][c] += r["n"]
    # The headline shows each column's sum, so the table is suppressed as the dashboard's area table
    # is (its column sums are known): zeros count as small and a column with small cells hides its
    # largest cell too, so a known sum never pins a small one.
    table = suppress(counts, zero_is_small=True, columns_only=True) if used else None
    headline = [
        (label, suppress_count(sum(row[c] for row in counts))) for c, (label, _w) in enumerate(columns)
    ]
    return Report(
        period=period,
        headline=headline,
        categories=[str(Category(v).label) for v in used],
        columns=[label for label, _w in columns],
        rows=table.rows if table else [],
        timing=_timing(group, period),
        shifts=_shifts(group, period),
        money=_money(group, period),
    )


def _timing(group: Group, period: Period) -> list[tuple[str, Cell]]:
    from mutualaid.insights.selectors import percentiles

    out = []
    for measure, label in (("claim", _("Hours to first claim")), ("done", _("Hours to fulfilment"))):
        buckets = list(
            DurationFigure.objects.filter(
                group=group, week__gte=period.first, week__lt=period.end, measure=measure
            )
            .values_list("hours")
            .annotate(n=Sum("n"))
            .order_by("hours")
        )
        median, p90 = percentiles([(h, n) for h, n in buckets])
        out.append((_("%(measure)s: median") % {"measure": label}, median))
        out.append((_("%(measure)s: 90th percentile") % {"measure": label}, p90))
    return out


def _shifts(group: Group, period: Period) -> list[tuple[str, Cell]]:
    from mutualaid.shifts.models import Occurrence, OccurrenceStatus, Signup, SignupState

    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(period.first, datetime.time(), tzinfo=zone)
    end = min(datetime.datetime.combine(period.end, datetime.time(), tzinfo=zone), timezone.now())
    held = Occurrence.objects.filter(series__group=group, starts_at__gte=start, starts_at__lt=end).exclude(
        status=OccurrenceStatus.CANCELLED
    )
    places = Signup.objects.filter(occurrence__in=held, state=SignupState.CONFIRMED)
    people = places.values("user").distinct().count()
    return [
        (_("Shifts held"), Cell(SHOWN, held.count())),  # a number of shifts names nobody
        (_("Places filled"), suppress_count(places.count())),
        (_("Volunteers who signed up"), suppress_count(people)),
    ]


def _money(group: Group, period: Period) -> list[tuple[str, str, Cell]]:
    """Money in and out in whole units, shown only when it adds up 11 transactions or more."""
    from mutualaid.funds.models import Transaction, TransactionKind

    directions = {
        TransactionKind.CONTRIBUTION.value: 0,
        TransactionKind.DISBURSEMENT.value: 1,
        TransactionKind.BAIL_POSTED.value: 1,
    }
    totals: dict[tuple[int, str], list[int]] = {}
    found = (
        Transaction.objects.filter(
            fund__group=group,
            occurred_on__gte=period.first,
            occurred_on__lt=period.end,
            kind__in=list(directions),
        )
        .values_list("kind", "currency")
        .annotate(n=Count("id"), amount=Sum("amount"))
        .order_by()
    )
    for kind, currency, n, amount in found:
        entry = totals.setdefault((directions[kind], currency), [0, 0])
        entry[0] += n
        entry[1] += amount
    labels = (_("Money in"), _("Money out"))
    out = []
    for (direction, currency), (n, amount) in sorted(totals.items()):
        cell = Cell(SHOWN, amount // 100) if suppress_count(n).shown and n else Cell(SMALL, None)
        out.append((labels[direction], currency, cell))
    return out
