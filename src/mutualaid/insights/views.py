"""The coordinator dashboard and its CSV files, the impact page and report, flyers and the phone-bank
sheet: thin views over `selectors`, `impact`, `flyers` and `phonebank`."""

from __future__ import annotations

import csv

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from mutualaid.core.categories import Category
from mutualaid.groups.access import get_group_for_coordinator, get_group_for_member
from mutualaid.insights import flyers as flyers_module
from mutualaid.insights import impact, phonebank, selectors, services
from mutualaid.insights.access import get_group_for_impact
from mutualaid.insights.forms import ImpactPageForm, PhoneBankForm, ReportPeriodForm
from mutualaid.insights.suppression import SMALL, Cell


def cell_text(cell: Cell | None, *, small: str = "") -> str:
    """A cell as words. `small` words a suppressed cell by what it counts where the figure shown is
    not a count itself (hours, say): "not shown (fewer than 11 needs)", not "fewer than 11" hours."""
    if cell is None:
        return ""
    if cell.state == SMALL:
        return small or _("fewer than 11")
    if cell.state == impact.AT_LEAST:
        return _("at least %(count)s") % {"count": cell.value}
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
    # The timing table shows hours: a suppressed time is worded by the needs it would be taken over.
    small = _("not shown (fewer than 11 needs)") if table.key == "timing" else ""
    for i, label in enumerate(table.row_labels):
        total = cell_text(table.row_totals[i]) if table.row_totals is not None else None
        cells = [cell_text(c, small=small) for c in table.rows[i]]
        rows.append({"label": label, "cells": cells, "total": total})
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


def _month_tables(tables: list[impact.MonthTable]) -> list[dict[str, object]]:
    return [
        {
            "key": t.key,
            "title": t.title,
            "chart": impact.chart(t),
            "columns": t.column_labels,
            "rows": [
                {"label": label, "cells": [cell_text(c) for c in row], "total": cell_text(t.row_totals[i])}
                for i, (label, row) in enumerate(zip(t.row_labels, t.rows, strict=True))
            ],
            "column_totals": [cell_text(c) for c in t.column_totals],
            "total": cell_text(t.total),
        }
        for t in tables
    ]


def impact_page(request: HttpRequest, slug: str) -> HttpResponse:
    """The public impact page (coordinators see it before it is published)."""
    group, coordinator = get_group_for_impact(request.user, slug)  # type: ignore[arg-type]
    period = impact.Period.recent()
    return render(
        request,
        "insights/impact.html",
        {
            "group": group,
            "coordinator": coordinator,
            "public": impact.is_public(group),
            "period": period,
            "as_of": selectors.as_of(),
            "tables": _month_tables(impact.public_tables(group, period)),
        },
    )


def impact_report(request: HttpRequest, slug: str) -> HttpResponse:
    """One printable page for a period chosen by month (for a grant or a community meeting)."""
    group, coordinator = get_group_for_impact(request.user, slug)  # type: ignore[arg-type]
    form = ReportPeriodForm(request.GET if ("start" in request.GET or "end" in request.GET) else None)
    if form.is_bound and not form.is_valid():
        # A period the report does not serve: say so at the picker, and show no figures for it.
        return render(
            request,
            "insights/report.html",
            {"group": group, "coordinator": coordinator, "form": form, "as_of": selectors.as_of()},
            status=400,
        )
    period = form.cleaned_data["period"] if form.is_bound else impact.Period.recent()
    if not form.is_bound:
        form = ReportPeriodForm(initial={"start": f"{period.first:%Y-%m}", "end": f"{period.last:%Y-%m}"})
    found = impact.report(group, period)
    return render(
        request,
        "insights/report.html",
        {
            "group": group,
            "coordinator": coordinator,
            "form": form,
            "period": period,
            "as_of": selectors.as_of(),
            "headline": [(label, cell_text(cell)) for label, cell in found.headline],
            "columns": found.columns,
            "rows": [
                {"label": label, "cells": [cell_text(c) for c in row]}
                for label, row in zip(found.categories, found.rows, strict=True)
            ],
            "timing": [
                (label, cell_text(cell, small=_("not shown (fewer than 11 needs)")))
                for label, cell in found.timing
            ],
            "shifts": [(label, cell_text(cell)) for label, cell in found.shifts],
            "money": [(label, currency, cell_text(cell)) for label, currency, cell in found.money],
        },
    )


@login_required
def impact_settings(request: HttpRequest, slug: str) -> HttpResponse:
    group, _membership = get_group_for_coordinator(request.user, slug)  # type: ignore[arg-type]
    current = services.impact_page_of(group)
    # An unticked box sends an empty POST: bind the form on every POST.
    form = ImpactPageForm(
        request.POST if request.method == "POST" else None, initial={"public": current.public}
    )
    if request.method == "POST" and form.is_valid():
        services.impact_page_set(
            group=group,
            actor=request.user,  # type: ignore[arg-type]
            public=form.cleaned_data["public"],
        )
        messages.success(request, _("Saved."))
        return redirect("insights_impact_settings", slug)
    return render(
        request,
        "insights/impact_settings.html",
        {"group": group, "form": form, "page": current},
        status=400 if form.errors else 200,
    )


@login_required
def flyers(request: HttpRequest, slug: str) -> HttpResponse:
    """The list of flyers, one per installed language."""
    group, _membership = get_group_for_member(request.user, slug)  # type: ignore[arg-type]
    return render(
        request,
        "insights/flyers.html",
        {"group": group, "languages": [(code, name) for code, name in settings.LANGUAGES]},
    )


@login_required
def flyer(request: HttpRequest, slug: str, language: str) -> HttpResponse:
    """A printable flyer in one language: text and web, a QR code, tear-off strips."""
    group, _membership = get_group_for_member(request.user, slug)  # type: ignore[arg-type]
    if language not in dict(settings.LANGUAGES):
        raise Http404
    web = request.build_absolute_uri(reverse("group", args=[group.slug]))
    # The flyer itself is in its own language (marked with lang=); the page around it, with its
    # menus, stays in the reader's.
    with translation.override(language):
        flyer = render_to_string(
            "insights/_flyer.html",
            {
                "group": group,
                "language": language,
                "texting": flyers_module.texting(group, language),
                "web": web,
                "qr": flyers_module.qr_svg(web, title=_("QR code of %(address)s") % {"address": web}),
                "strips": range(8),
            },
        )
    return render(
        request,
        "insights/flyer.html",
        {"group": group, "language": language, "flyer": mark_safe(flyer)},  # noqa: S308 - our own template, escaped as it rendered
    )


@login_required
def phone_bank(request: HttpRequest, slug: str) -> HttpResponse:
    """Open needs to call back: coarse on GET; names and numbers on a POST that says so (audited)."""
    group, _membership = get_group_for_coordinator(request.user, slug)  # type: ignore[arg-type]
    form = PhoneBankForm(request.POST if request.method == "POST" else None)
    exact = request.method == "POST" and form.is_valid()
    lines = phonebank.sheet(group, reader=request.user, exact=exact)  # type: ignore[arg-type]
    sources = {
        "web": _("Web"),
        "sms": _("Text message"),
        "intake": _("Taken in by a member"),
        "import": _("Import"),
    }
    return render(
        request,
        "insights/phone_bank.html",
        {
            "group": group,
            "form": form,
            "exact": exact,
            "lines": lines,
            "rows": [(line, sources[line.source]) for line in lines],
            "limit": phonebank.LIMIT,
            "printed_at": timezone.localtime(),
        },
        status=400 if form.errors else 200,
    )
