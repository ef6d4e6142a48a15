"""Insights in the JSON API: the same suppressed tables as the dashboard and its CSV files."""

from __future__ import annotations

import datetime

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from mutualaid.groups.access import get_group_for_coordinator
from mutualaid.insights import impact, phonebank, selectors, services
from mutualaid.insights.access import get_group_for_impact
from mutualaid.insights.suppression import Cell
from mutualaid.members.http import TokenAuth

router = Router(tags=["insights"])


class CellOut(Schema):
    state: str  # shown | small ("fewer than 11") | hidden (so a small count cannot be worked out) | at_least (a sum: value is what its shown cells add up to)
    value: int | None


class TableOut(Schema):
    key: str
    title: str
    columns: list[str]
    row_labels: list[str]
    rows: list[list[CellOut]]
    row_totals: list[CellOut] | None
    column_totals: list[CellOut] | None
    total: CellOut | None
    note: str
    row_heading: str


class InsightsOut(Schema):
    as_of: datetime.datetime | None  # posts changed up to this time are counted
    weeks: int
    category: str
    tables: list[TableOut]


def _cell(cell: Cell) -> dict[str, object]:
    return {"state": cell.state, "value": cell.value}


@router.get(
    "/groups/{slug}/insights",
    response=InsightsOut,
    summary="Needs and impact tables, small counts suppressed (coordinators)",
)
def insights_dashboard(
    request: HttpRequest, slug: str, weeks: int = selectors.DEFAULT_PERIOD, category: str = ""
) -> dict[str, object]:
    group, _membership = get_group_for_coordinator(request.user, slug)  # type: ignore[arg-type]
    filters = selectors.Filters.parse({"weeks": weeks, "category": category})
    tables = selectors.dashboard(group, filters)
    return {
        "as_of": selectors.as_of(),
        "weeks": filters.weeks,
        "category": filters.category,
        "tables": [
            {
                "key": t.key,
                "title": t.title,
                "columns": t.column_labels,
                "row_labels": t.row_labels,
                "rows": [[_cell(c) for c in row] for row in t.rows],
                "row_totals": [_cell(c) for c in t.row_totals] if t.row_totals is not None else None,
                "column_totals": [_cell(c) for c in t.column_totals] if t.column_totals is not None else None,
                "total": _cell(t.total) if t.total is not None else None,
                "note": t.note,
                "row_heading": t.row_heading,
            }
            for t in tables
        ],
    }


def _anyone(request: HttpRequest) -> bool:
    return True


class ImpactTableOut(Schema):
    key: str
    title: str
    months: list[str]
    row_labels: list[str]
    rows: list[list[CellOut]]
    row_totals: list[CellOut]
    month_totals: list[CellOut]
    total: CellOut


class ImpactOut(Schema):
    as_of: datetime.datetime | None
    public: bool
    first_month: str
    last_month: str
    tables: list[ImpactTableOut]


@router.get(
    "/groups/{slug}/impact",
    response=ImpactOut,
    auth=[TokenAuth(), _anyone],
    summary="A group's impact per month and category, small counts suppressed (public once published)",
)
def insights_impact(request: HttpRequest, slug: str) -> dict[str, object]:
    group, _coordinator = get_group_for_impact(request.user, slug)  # type: ignore[arg-type]
    period = impact.Period.recent()
    return {
        "as_of": selectors.as_of(),
        "public": impact.is_public(group),
        "first_month": f"{period.first:%Y-%m}",
        "last_month": f"{period.last:%Y-%m}",
        "tables": [
            {
                "key": t.key,
                "title": t.title,
                "months": t.column_labels,
                "row_labels": t.row_labels,
                "rows": [[_cell(c) for c in row] for row in t.rows],
                "row_totals": [_cell(c) for c in t.row_totals],
                "month_totals": [_cell(c) for c in t.column_totals],
                "total": _cell(t.total),
            }
            for t in impact.public_tables(group, period)
        ],
    }


class ImpactFigureOut(Schema):
    label: str
    cell: CellOut


class ImpactMoneyOut(Schema):
    label: str
    currency: str
    cell: CellOut  # whole currency units


class ImpactReportOut(Schema):
    as_of: datetime.datetime | None
    first_month: str
    last_month: str
    headline: list[ImpactFigureOut]
    columns: list[str]
    categories: list[str]
    rows: list[list[CellOut]]
    timing: list[ImpactFigureOut]
    shifts: list[ImpactFigureOut]
    money: list[ImpactMoneyOut]


@router.get(
    "/groups/{slug}/impact/report",
    response=ImpactReportOut,
    auth=[TokenAuth(), _anyone],
    summary="The impact report of a period of whole months (start, end: YYYY-MM within the last 24 months; 422 otherwise)",
)
def insights_impact_report(
    request: HttpRequest, slug: str, start: str = "", end: str = ""
) -> dict[str, object]:
    group, _coordinator = get_group_for_impact(request.user, slug)  # type: ignore[arg-type]
    try:
        period = impact.Period.parse({"start": start, "end": end})
    except impact.PeriodError as error:
        raise HttpError(422, str(error)) from None  # as the page's form: never clamped or swapped
    found = impact.report(group, period)
    return {
        "as_of": selectors.as_of(),
        "first_month": f"{found.period.first:%Y-%m}",
        "last_month": f"{found.period.last:%Y-%m}",
        "headline": [{"label": label, "cell": _cell(c)} for label, c in found.headline],
        "columns": found.columns,
        "categories": found.categories,
        "rows": [[_cell(c) for c in row] for row in found.rows],
        "timing": [{"label": label, "cell": _cell(c)} for label, c in found.timing],
        "shifts": [{"label": label, "cell": _cell(c)} for label, c in found.shifts],
        "money": [{"label": label, "currency": cur, "cell": _cell(c)} for label, cur, c in found.money],
    }


class ImpactSettingsIn(Schema):
    public: bool


class ImpactSettingsOut(Schema):
    public: bool
    changed_at: datetime.datetime | None


@router.put(
    "/groups/{slug}/impact/settings",
    response=ImpactSettingsOut,
    summary="Publish the group's impact page and report, or make them private again (coordinators)",
)
def insights_impact_settings(request: HttpRequest, slug: str, data: ImpactSettingsIn) -> dict[str, object]:
    group, _membership = get_group_for_coordinator(request.user, slug)  # type: ignore[arg-type]
    page = services.impact_page_set(group=group, actor=request.user, public=data.public)  # type: ignore[arg-type]
    return {"public": page.public, "changed_at": page.changed_at}


class PhoneBankLineOut(Schema):
    number: int
    post_id: int
    made: datetime.date
    days_open: int
    category: str
    area: str
    urgency: str
    languages: list[str]
    source: str  # web | sms | intake | import
    name: str  # empty unless the sheet was asked for with names and numbers
    phone: str
    title: str


class PhoneBankOut(Schema):
    exact: bool
    lines: list[PhoneBankLineOut]


def _phone_bank(request: HttpRequest, slug: str, *, exact: bool) -> dict[str, object]:
    group, _membership = get_group_for_coordinator(request.user, slug)  # type: ignore[arg-type]
    lines = phonebank.sheet(group, reader=request.user, exact=exact)  # type: ignore[arg-type]
    return {"exact": exact, "lines": [line.__dict__ for line in lines]}


@router.get(
    "/groups/{slug}/insights/phone-bank",
    response=PhoneBankOut,
    summary="Open needs for a phone bank, naming nobody (coordinators)",
)
def insights_phone_bank(request: HttpRequest, slug: str) -> dict[str, object]:
    return _phone_bank(request, slug, exact=False)


@router.post(
    "/groups/{slug}/insights/phone-bank",
    response=PhoneBankOut,
    summary="Open needs for a phone bank with names and numbers; each person's read is audited (coordinators)",
)
def insights_phone_bank_exact(request: HttpRequest, slug: str) -> dict[str, object]:
    return _phone_bank(request, slug, exact=True)
