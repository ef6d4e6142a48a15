"""An uploaded file as a sheet, or an error people can read."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from mutualaid.exchange.importing.columns import score_header_row
from mutualaid.exchange.spreadsheet import Sheet, read_sheet


def sheet_error_message(code: str) -> str:
    return {
        "too_big": _("The file is larger than 10 MB."),
        "empty": _("The file has no rows."),
        "too_many_rows": _("The file has more than 20,000 rows. Split it and import the parts."),
        "too_many_columns": _("The file has more than 200 columns."),
        "unreadable_csv": _("This file cannot be read as CSV."),
        "unreadable_xlsx": _("This file cannot be read as an Excel workbook (XLSX)."),
    }.get(code, _("This file cannot be read."))


def read(data: bytes) -> Sheet:
    """The sheet of an uploaded file, or ValidationError with a message for people."""
    from mutualaid.exchange.spreadsheet import SheetError

    try:
        return read_sheet(data, score_header_row)
    except SheetError as exc:
        raise ValidationError({"file": sheet_error_message(str(exc))}) from None
