"""The coordinator dashboard and its CSV files: thin views over `selectors.dashboard`."""

from __future__ import annotations

import csv

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from mutualaid.core.categories import Category
from mutualaid.groups.access import get_group_for_coordinator
from mutualaid.insights import selectors
from mutualaid.insights.suppression import SMALL, Cell


def cell_text(cell: Cell | None) -> str:
    if cell is None:
        return ""
    if cell.state == SMALL:
        return _("fewer than 11")
    if not cell.shown:
        return _("hidden")
    return "" if cell.value is None else str(cell.value)


@login_required
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    group, membership = get_group_for_coordinator(request.user, slug)  # type: ignore[arg-type]
    filters = selectors.Filters.parse(request.GET)
    tables = selectors.dashboard(group, filters)
    query = f"weeks={filters.weeks}" + (f"&category={filters.category}" if filters.category else "")
    return render(
        request,
        "insights/dashboard.html",
        {
            "group": group,
            "membership": membership,
            "filters": filters,
            "periods": selectors.PERIODS,
            "categories": Category.choices,
            "query": query,
            "as_of": selectors.as_of(),
            "tables": [_rendered(table) for table in tables],
        },
    )


def _rendered(table: selectors.Insight) -> dict[str, object]:
    rows = []
    for i, label in enumerate(table.row_labels):
        total = cell_text(table.row_totals[i]) if table.row_totals is not None else None
        rows.append({"label": label, "cells": [cell_text(c) for c in table.rows[i]], "total": total})
    return {
        "key": table.key,
        "title": table.title,
        "row_heading": table.row_heading,
        "columns": table.column_labels,
        "rows": rows,
        "totals": table.row_totals is not None,
        "column_totals": [cell_text(c) for c in table.column_totals or []],
        "total": cell_text(table.total),
        "note": table.note,
    }


@login_required
def table_csv(request: HttpRequest, slug: str, table: str) -> HttpResponse:
    group, _membership = get_group_for_coordinator(request.user, slug)  # type: ignore[arg-type]
    filters = selectors.Filters.parse(request.GET)
    found = [t for t in selectors.dashboard(group, filters) if t.key == table]
    if not found:
        raise Http404
    shown = _rendered(found[0])
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{group.slug}-{table}-{filters.weeks}w.csv"'
    writer = csv.writer(response)
    header = [shown["row_heading"], *shown["columns"]]  # type: ignore[misc]
    if shown["totals"]:
        header.append(_("Total"))
    writer.writerow(header)
    for row in shown["rows"]:  # type: ignore[attr-defined]
        writer.writerow([row["label"], *row["cells"], *([row["total"]] if shown["totals"] else [])])
    if shown["totals"]:
        writer.writerow([_("Total"), *shown["column_totals"], shown["total"]])  # type: ignore[misc]
    return response
