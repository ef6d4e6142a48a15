"""The whole sheet as a plan (`plan_import`): a row plan per line, duplicates and rows imported before skipped."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from mutualaid.core.encryption import blind_index
from mutualaid.exchange.importing.cells import north_american
from mutualaid.exchange.importing.columns import CATEGORY_FLAG, FIELDS, IGNORE, infer_kind, propose_mapping
from mutualaid.exchange.importing.dates import day_first
from mutualaid.exchange.importing.rows import RowPlan, _row
from mutualaid.exchange.models import (
    Kind,
    Post,
    Visibility,
)
from mutualaid.exchange.spreadsheet import Sheet, normalise_header
from mutualaid.groups.models import Group


@dataclass
class ImportPlan:
    headers: list[str]
    mapping: list[str]
    rows: list[RowPlan]
    kind: str
    visibility: str = Visibility.COORDINATORS
    encoding: str = ""
    delimiter: str = ""

    @property
    def problems(self) -> list[tuple[int, str]]:
        return [(r.line, p) for r in self.rows for p in r.problems]

    @property
    def to_create(self) -> list[RowPlan]:
        return [r for r in self.rows if not r.skipped and not r.problems]

    @property
    def post_count(self) -> int:
        return sum(len(r.categories) for r in self.to_create)

    @property
    def contact_count(self) -> int:
        return sum(1 for r in self.to_create if r.has_contact)


def _row_key(row: RowPlan) -> str:
    """A keyed HMAC of what identifies a row across exports of the same sheet: when it was written, who
    wrote it, what it asks. Columns a group edits between exports (status, organiser notes) are left out."""
    who = row.phone or row.email or normalise_header(row.name)
    when = row.created_at.isoformat() if row.created_at else ""
    what = normalise_header(row.details)
    if not (when or who or what):
        return ""
    return blind_index(
        "\x1f".join((row.kind, when, who, ",".join(row.categories), what)), purpose="import-row"
    )


def _already_imported(group: Group, rows: list[RowPlan]) -> None:
    keyed = [r for r in rows if r.key and not r.skipped and not r.problems]
    keys = list({r.key for r in keyed})
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        found.update(
            Post.objects.filter(group=group, import_key__in=keys[start : start + 500]).values_list(
                "import_key", flat=True
            )
        )
    for row in keyed:
        if row.key in found:
            row.skipped = True
            row.notes.append(_("Already imported from an earlier copy of this sheet; skipped."))


def _duplicate_key(row: RowPlan) -> tuple[object, ...] | None:
    who = row.phone or row.email or row.name
    if not who:
        return None
    return (who, tuple(row.categories), normalise_header(row.details), row.kind)


def plan_import(
    sheet: Sheet,
    *,
    kind: str | None = Kind.NEED,
    mapping: list[str] | None = None,
    visibility: str = Visibility.COORDINATORS,
    filename: str = "",
    group: Group | None = None,
) -> ImportPlan:
    """What importing `sheet` would create, row by row, with problems and notes per line.

    `kind` "auto" (or None) reads whether the rows are needs or offers from the sheet's headers. With the
    `group`, rows it already imported from an earlier export of the same sheet are skipped.
    """
    mapping = list(mapping) if mapping is not None else propose_mapping(sheet.headers, sheet.rows)
    mapping = [m if m in FIELDS else IGNORE for m in mapping][: len(sheet.headers)]
    mapping += [IGNORE] * (len(sheet.headers) - len(mapping))
    if kind not in Kind.values:
        kind = infer_kind(sheet.headers, mapping, filename)
    stamps = [
        cells[i] for i, m in enumerate(mapping) if m == "timestamp" for _l, cells in sheet.rows if cells[i]
    ]
    dayfirst = day_first(stamps, sheet.headers)
    phones = [cells[i] for i, m in enumerate(mapping) if m == "phone" for _l, cells in sheet.rows]
    nanp = north_american(phones)
    rows = []
    seen_cells: dict[tuple[str, ...], int] = {}
    seen: dict[tuple[object, ...], int] = {}
    for line, cells in sheet.rows:
        identical = seen_cells.get(tuple(cells))
        if identical is not None:
            plan = RowPlan(line=line, kind=kind, skipped=True)
            plan.notes.append(_("Same as line %(line)d; skipped.") % {"line": identical})
            rows.append(plan)
            continue
        seen_cells[tuple(cells)] = line
        plan = _row(line, cells, mapping, kind, dayfirst, sheet.headers, nanp)
        for column in sorted(sheet.unsaved_formulas.get(line, ())):
            if column < len(mapping) and mapping[column] != IGNORE:
                if plan.skipped:
                    plan.skipped = False
                    plan.notes.clear()
                plan.problems.append(
                    _(
                        "The column “%(column)s” holds a formula whose result is not saved in the "
                        "file. Open the file in a spreadsheet program and save it again, or export "
                        "it as CSV."
                    )
                    % {"column": sheet.headers[column]}
                )
        key = _duplicate_key(plan) if not plan.skipped and not plan.problems else None
        if key is not None and key in seen:
            plan.skipped = True
            plan.notes.append(_("Same person and request as line %(line)d; skipped.") % {"line": seen[key]})
        elif key is not None:
            seen[key] = line
        rows.append(plan)
    for row in rows:
        if not row.skipped and not row.problems:
            row.key = _row_key(row)
    if group is not None:
        _already_imported(group, rows)
    if not {"category", CATEGORY_FLAG, "details", "title"} & set(mapping):
        first = sheet.rows[0][0] if sheet.rows else sheet.header_line
        rows.insert(
            0,
            RowPlan(
                line=sheet.header_line,
                kind=kind,
                problems=[
                    _("No column says what is needed or offered: map a column to Category, Title or Details.")
                ],
            ),
        )
        del first
    if visibility not in Visibility.values:
        visibility = Visibility.COORDINATORS
    return ImportPlan(sheet.headers, mapping, rows, kind, visibility)
