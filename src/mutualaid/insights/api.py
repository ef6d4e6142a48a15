"""Insights in the JSON API: the same suppressed tables as the dashboard and its CSV files."""

from __future__ import annotations

import datetime

from django.http import HttpRequest
from ninja import Router, Schema

from mutualaid.groups.access import get_group_for_coordinator
from mutualaid.insights import selectors
from mutualaid.insights.suppression import Cell

router = Router(tags=["insights"])


class CellOut(Schema):
    state: str  # shown | small ("fewer than 11") | hidden (hidden so a small count cannot be worked out)
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
