"""Spreadsheet import (upload → mapping and preview → commit) and export, for coordinators."""

from __future__ import annotations

import base64
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import MemoryFileUploadHandler
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from mutualaid.core.forms import apply_errors
from mutualaid.exchange import exporting, importing
from mutualaid.exchange.forms import ExportForm, ImportUploadForm
from mutualaid.exchange.models import ImportDraft, Kind
from mutualaid.exchange.spreadsheet import MAX_BYTES
from mutualaid.groups.access import get_group_for_coordinator
from mutualaid.members.http import AuthenticatedHttpRequest

DRAFT_HOURS = 24
PREVIEW_ROWS = 200


class InMemoryUpload(MemoryFileUploadHandler):
    """Keep an uploaded sheet in memory, never in a temporary file: it holds people's contact details."""

    def handle_raw_input(
        self, input_data: Any, META: Any, content_length: int, boundary: Any, encoding: Any = None
    ) -> None:
        # Larger bodies are not kept at all: the form then says the file is missing or too big.
        self.activated = content_length <= MAX_BYTES + 64 * 1024


@csrf_exempt  # the upload handlers must be set before the CSRF check reads the body; checked just below
def import_upload(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    # The user is checked by login_required on _import_upload before anything reads it.
    request.upload_handlers = [InMemoryUpload(request)]
    return _import_upload(request, slug)


@csrf_protect
@login_required
def _import_upload(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    group, _m = get_group_for_coordinator(request.user, slug)
    # Abandoned uploads hold personal data: drop them after a day.
    ImportDraft.objects.filter(created_at__lt=timezone.now() - timedelta(hours=DRAFT_HOURS)).delete()
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and not request.FILES:
        form.add_error("file", _("Choose a CSV or XLSX file of at most 10 MB."))
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data["file"].read()
        try:
            sheet = importing.read(data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            filename = form.cleaned_data["file"].name[:200]
            columns = importing.propose_mapping(sheet.headers, sheet.rows)
            kind = form.cleaned_data["kind"]
            if kind not in Kind.values:
                kind = importing.infer_kind(sheet.headers, columns, filename)
            draft = ImportDraft.objects.create(
                group=group,
                created_by=request.user,
                filename=filename,
                content=base64.b64encode(data).decode(),
                kind=kind,
                mapping={"columns": columns, "visibility": form.cleaned_data["visibility"]},
            )
            return redirect("exchange_import_preview", slug=group.slug, draft_id=draft.pk)
    return render(request, "exchange/import_upload.html", {"group": group, "form": form})


FIELD_LABELS = {
    "ignore": "—",
    "name": gettext_lazy("Name"),
    "phone": gettext_lazy("Phone"),
    "email": gettext_lazy("E-mail"),
    "address": gettext_lazy("Exact address"),
    "area": gettext_lazy("Area"),
    "languages": gettext_lazy("Languages"),
    "category": gettext_lazy("Category"),
    "urgency": gettext_lazy("Urgency"),
    "title": gettext_lazy("Title"),
    "details": gettext_lazy("Details"),
    "private_note": gettext_lazy("Private note"),
    "household_size": gettext_lazy("Household size"),
    "quantity": gettext_lazy("Quantity"),
    "unit": gettext_lazy("Unit"),
    "status": gettext_lazy("Status"),
    "timestamp": gettext_lazy("Date"),
    "recurring": gettext_lazy("Recurring"),
    "kind": gettext_lazy("Need or offer"),
    "category_flag": gettext_lazy("Category, when the answer is yes"),
}


def field_choices() -> list[tuple[str, str]]:
    return [(key, str(label)) for key, label in FIELD_LABELS.items()]


@login_required
def import_preview(request: AuthenticatedHttpRequest, slug: str, draft_id: int) -> HttpResponse:
    group, _m = get_group_for_coordinator(request.user, slug)
    draft = ImportDraft.objects.filter(group=group, pk=draft_id).first()
    if draft is None or draft.content is None:
        raise Http404
    sheet = importing.read(base64.b64decode(draft.content))
    mapping = list(draft.mapping.get("columns", []))
    if request.method == "POST":
        mapping = [request.POST.get(f"col{i}", "ignore") for i in range(len(sheet.headers))]
        draft.mapping = {**draft.mapping, "columns": mapping}
        if request.POST.get("kind") in Kind.values:
            draft.kind = request.POST["kind"]
        draft.save(update_fields=["mapping", "kind"])
    plan = importing.plan_import(
        sheet,
        kind=draft.kind,
        mapping=mapping,
        group=group,
        visibility=draft.mapping.get("visibility", "coordinators"),
    )
    status = 200
    if request.method == "POST" and request.POST.get("commit"):
        try:
            posts, contacts = importing.import_commit(group=group, actor=request.user, plan=plan)
        except importing.ImportFlood as exc:
            messages.error(request, str(exc.args[0]))
            status = 429
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            draft.delete()
            messages.success(
                request,
                _("Imported %(posts)d posts and %(contacts)d contacts.")
                % {"posts": posts, "contacts": contacts},
            )
            return redirect("exchange_board", slug=group.slug)
    columns = [
        {
            "index": i,
            "header": h,
            "field": plan.mapping[i],
            "sample": next((c[i] for _l, c in sheet.rows if c[i]), ""),
        }
        for i, h in enumerate(sheet.headers)
    ]
    return render(
        request,
        "exchange/import_preview.html",
        {
            "group": group,
            "draft": draft,
            "plan": plan,
            "columns": columns,
            "choices": field_choices(),
            "rows": plan.rows[:PREVIEW_ROWS],
            "more": max(0, len(plan.rows) - PREVIEW_ROWS),
            "kinds": Kind.choices,
        },
        status=status,
    )


@login_required
def export(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    group, _m = get_group_for_coordinator(request.user, slug)
    form = ExportForm(request.GET or None)
    if form.is_bound and form.is_valid():
        personal = form.cleaned_data["personal"]
        exporting.audit_export(reader=request.user, group=group, personal=personal)
        stamp = timezone.localdate().isoformat()
        if form.cleaned_data["format"] == "json":
            response = HttpResponse(
                exporting.to_json(group, personal=personal), content_type="application/json"
            )
            name = f"{group.slug}-posts-{stamp}.json"
        elif form.cleaned_data["format"] == "xlsx":
            response = HttpResponse(
                exporting.to_xlsx(group, personal=personal),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
            name = f"{group.slug}-posts-{stamp}.xlsx"
        else:
            response = HttpResponse(
                exporting.to_csv(group, personal=personal, bom=form.cleaned_data["bom"]),
                content_type="text/csv; charset=utf-8",
            )
            name = f"{group.slug}-posts-{stamp}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return render(request, "exchange/export.html", {"group": group, "form": form})
