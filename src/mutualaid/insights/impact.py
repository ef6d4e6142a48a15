"""The public impact page and the one-page impact report: the dashboard's figures at a coarser level.

Months instead of weeks, category instead of area, and only posts (needs, needs fulfilled, offers),
shifts and money. Every count goes through the same rule as the dashboard (`suppression`), and the
figures come from the same summary tables the worker keeps, so a page costs a few queries whatever the
number of posts. The summary rows carry the month their posts were made in (a week that crosses into a
new month is two rows), so a month counts exactly its own days.

Nothing here names a person, a post or a place finer than a category.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Sum
from django.utils import timezone, translation
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from mutualaid.core.categories import Category
from mutualaid.exchange.models import Kind, Status
from mutualaid.groups.models import Group
from mutualaid.insights.models import DurationFigure, ImpactPage, PostFigure
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


class PeriodError(ValueError):
    """A report period that is not served (the message says why, for the form and the API)."""


def report_months() -> list[datetime.date]:
    """The months a report may cover, newest first: this month and the 23 before it."""
    this = first_of_month(timezone.localdate())
    return [add_months(this, -n) for n in range(REPORT_MAX_MONTHS)]


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
        """`start` and `end` as YYYY-MM, both among `report_months()`; neither given: the last twelve
        months. Anything else (unreadable, one missing, outside the last 24 months or reversed) raises
        PeriodError, saying what is wrong: nothing is clamped or swapped silently."""
        start, end = data.get("start") or "", data.get("end") or ""
        if not start and not end:
            return cls.recent()
        offered = report_months()
        try:
            first, last = _month(start), _month(end)
        except (TypeError, ValueError):
            raise PeriodError(_("Choose a first and a last month.")) from None
        if first not in offered or last not in offered:
            raise PeriodError(
                _("Choose months from %(first)s to %(last)s: a report covers the last %(n)s months.")
                % {"first": f"{offered[-1]:%Y-%m}", "last": f"{offered[0]:%Y-%m}", "n": REPORT_MAX_MONTHS}
            )
        if last < first:
            raise PeriodError(
                _("The first month comes after the last: choose a first month on or before the last.")
            )
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
        for row in PostFigure.objects.filter(group=group, month__gte=first, month__lt=end)
        .values("category", "month", "kind", "status")
        .annotate(n=Sum("n"))
        .order_by()
    ]


def _counts(row: dict[str, Any], what: str) -> bool:
    """Whether a summary row counts towards `what`: needs, fulfilled (needs), offers or given (offers)."""
    if what in ("needs", "fulfilled"):
        return row["kind"] == Kind.NEED and (what == "needs" or row["status"] == Status.FULFILLED)
    return row["kind"] == Kind.OFFER and (what == "offers" or row["status"] == Status.FULFILLED)


WINDOW = REPORT_MAX_MONTHS  # the one table every public figure is read from
AT_LEAST = "at_least"  # a sum over cells some of which are suppressed: the shown ones add up to this
MEASURES = ("needs", "fulfilled", "offers", "given")


@dataclass
class Grid:
    """Categories by month over the last WINDOW months, each measure suppressed once.

    The impact page and every report are read from this one suppressed table: a page shows some of
    its months, a report adds up its cells. A sum is exact only when every cell in it is shown, and
    otherwise says "at least" the sum of the shown ones, so no page or report (nor two reports of
    overlapping periods, subtracted) says more than the table itself."""

    months: list[datetime.date]
    categories: list[tuple[str, str]]
    tables: dict[str, Table]


def grid(group: Group) -> Grid:
    this = first_of_month(timezone.localdate())
    months = month_range(add_months(this, 1 - WINDOW), this)
    found = _post_counts(group, months[0], add_months(this, 1))
    columns = {m: i for i, m in enumerate(months)}
    # Only the categories with any post in the window: an empty row names nobody, and leaving it out
    # keeps the page small.
    used = {r["category"] for r in found if r["n"]}
    categories = [(c.value, str(c.label)) for c in Category if c.value in used]
    rows = {value: i for i, (value, _label) in enumerate(categories)}
    tables = {}
    for key in MEASURES:
        counts = [[0] * len(months) for _ in categories]
        for r in found:
            month = r["month"]
            if _counts(r, key) and r["category"] in rows and month in columns:
                counts[rows[r["category"]]][columns[month]] += r["n"]
        tables[key] = suppress(counts) if categories else suppress([[0] * len(months)])
    return Grid(months=months, categories=categories, tables=tables)


def added(cells: list[Cell]) -> Cell:
    """The sum of cells of the grid: exact when all are shown, else at least what the shown add up to."""
    shown = sum(cell.value or 0 for cell in cells if cell.shown)
    if all(cell.shown for cell in cells):
        return Cell(SHOWN, shown)
    return Cell(AT_LEAST, shown) if shown else Cell(HIDDEN, None)


def public_tables(group: Group, period: Period | None = None) -> list[MonthTable]:
    """Needs made, needs fulfilled and offers made per category and month (the last twelve months of
    the grid; one query)."""
    found = grid(group)
    period = period or Period.recent()
    index = [i for i, m in enumerate(found.months) if period.first <= m <= period.last]
    specs = [
        ("needs", _("Needs made")),
        ("fulfilled", _("Needs fulfilled (by the month they were made)")),
        ("offers", _("Offers made")),
    ]
    out = []
    for key, title in specs:
        table = found.tables[key]
        rows = [[row[i] for i in index] for row in table.rows]
        hidden = Cell(HIDDEN, None)
        row_totals = [added(row) if all(c.shown for c in row) else hidden for row in rows]
        every = [cell for row in rows for cell in row]
        out.append(
            MonthTable(
                key=key,
                title=title,
                row_labels=[label for _v, label in found.categories] or [_("All categories")],
                months=[found.months[i] for i in index],
                rows=rows,
                row_totals=row_totals,
                column_totals=[table.column_totals[i] for i in index],
                total=added(every) if all(c.shown for c in every) else hidden,
                column_floor=[added([row[i] for row in table.rows]).value or 0 for i in index],
            )
        )
    return out


BAR = 18
GAP = 6
LABEL = 64
WIDTH = 320


def chart(table: MonthTable, *, rtl: bool | None = None) -> SafeString:
    """A horizontal bar per month: the month's total when it is shown, else the sum of the cells that
    are shown, marked "at least" (nothing the table does not already say). Same-origin SVG inline,
    no script and no style attribute; the table under it gives every figure.

    Right to left (Arabic), the chart is mirrored: months on the right, bars growing leftwards, each
    value at its bar's left end. Every position is computed here and the SVG says `direction="ltr"`,
    so the page's own direction cannot turn a text's anchor around and draw a month over the bars."""
    rtl = translation.get_language_bidi() if rtl is None else rtl
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
        drawn = max(width, 1 if value else 0)
        text = str(value) if exact else "≥ " + str(value)
        colour = "#0b5d3b" if exact else "#7aa893"
        if rtl:
            edge = WIDTH - LABEL
            bars.append(
                (
                    edge + 4,
                    y + BAR - 5,
                    "start",
                    month,
                    edge - drawn,
                    y,
                    drawn,
                    BAR,
                    colour,
                    edge - width - 4,
                    y + BAR - 5,
                    "end",
                    text,
                )
            )
        else:
            bars.append(
                (
                    LABEL - 4,
                    y + BAR - 5,
                    "end",
                    month,
                    LABEL,
                    y,
                    drawn,
                    BAR,
                    colour,
                    LABEL + width + 4,
                    y + BAR - 5,
                    "start",
                    text,
                )
            )
    body = format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="{}">{}</text><rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>'
        '<text x="{}" y="{}" text-anchor="{}">{}</text>',
        bars,
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="100%" role="img" '
        'aria-labelledby="chart-{key}" font-size="12" font-family="system-ui,sans-serif" direction="ltr">'
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
    found = grid(group)
    index = [i for i, m in enumerate(found.months) if period.first <= m <= period.last]
    columns = [
        (_("Needs made"), "needs"),
        (_("Needs fulfilled"), "fulfilled"),
        (_("Offers made"), "offers"),
        (_("Offers given"), "given"),
    ]
    rows = [
        [added([found.tables[key].rows[r][i] for i in index]) for _label, key in columns]
        for r in range(len(found.categories))
    ]
    headline = [
        (label, added([row[i] for row in found.tables[key].rows for i in index])) for label, key in columns
    ]
    keep = [r for r, row in enumerate(rows) if any(cell.state != SHOWN or cell.value for cell in row)]
    return Report(
        period=period,
        headline=headline,
        categories=[found.categories[r][1] for r in keep],
        columns=[label for label, _key in columns],
        rows=[rows[r] for r in keep],
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
                group=group, month__gte=period.first, month__lt=period.end, measure=measure
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
    """Shifts held and places filled, month by month: a month's places are shown only when they are
    11 or more, and the period adds up the months (at least, when one is hidden)."""
    from mutualaid.shifts.models import Occurrence, OccurrenceStatus, Signup, SignupState

    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(period.first, datetime.time(), tzinfo=zone)
    end = min(datetime.datetime.combine(period.end, datetime.time(), tzinfo=zone), timezone.now())
    held = Occurrence.objects.filter(series__group=group, starts_at__gte=start, starts_at__lt=end).exclude(
        status=OccurrenceStatus.CANCELLED
    )
    places: dict[datetime.date, int] = dict.fromkeys(period.months, 0)
    for at in Signup.objects.filter(occurrence__in=held, state=SignupState.CONFIRMED).values_list(
        "occurrence__starts_at", flat=True
    ):
        places[first_of_month(timezone.localtime(at).date())] += 1
    return [
        (_("Shifts held"), Cell(SHOWN, held.count())),  # a number of shifts names nobody
        (_("Places filled"), added([suppress_count(n) for n in places.values()])),
    ]


def _money(group: Group, period: Period) -> list[tuple[str, str, Cell]]:
    """Money in and out in whole units, month by month: a month's amount is shown only when it adds up
    11 transactions or more, and the period adds up the months (at least, when one is hidden)."""
    from django.db.models.functions import TruncMonth

    from mutualaid.funds.models import Transaction, TransactionKind

    directions = {
        TransactionKind.CONTRIBUTION.value: 0,
        TransactionKind.DISBURSEMENT.value: 1,
        TransactionKind.BAIL_POSTED.value: 1,
    }
    months: dict[tuple[int, str], dict[datetime.date, list[int]]] = {}
    found = (
        Transaction.objects.filter(
            fund__group=group,
            occurred_on__gte=period.first,
            occurred_on__lt=period.end,
            kind__in=list(directions),
        )
        .annotate(month=TruncMonth("occurred_on"))
        .values_list("kind", "currency", "month")
        .annotate(n=Count("id"), amount=Sum("amount"))
        .order_by()
    )
    for kind, currency, month, n, amount in found:
        entry = months.setdefault((directions[kind], currency), {}).setdefault(month, [0, 0])
        entry[0] += n
        entry[1] += amount
    labels = (_("Money in"), _("Money out"))
    out = []
    for (direction, currency), by_month in sorted(months.items()):
        cells = [
            Cell(SHOWN, amount // 100) if n >= THRESHOLD else Cell(SMALL, None)
            for n, amount in by_month.values()
        ]
        out.append((labels[direction], currency, added(cells)))
    return out
