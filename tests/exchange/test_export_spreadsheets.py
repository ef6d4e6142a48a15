"""Exports that open well in spreadsheets (issue 11): phones without a visible apostrophe yet no formula
ever runs, an XLSX with text cells, a UTF-8 byte-order mark on request, the neighbour's private note."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.urls import reverse

from mutualaid.exchange import services
from tests.exchange.conftest import make_post


def _seed(crown: Any, ben: Any) -> None:
    make_post(
        crown,
        ben,
        title='=HYPERLINK("http://evil")',
        details="+cmd|' /C calc'!A0",
        on_behalf=services.ContactInput(
            name="Rosa", phone="+1 347 555 0199", note="knock twice, dog is friendly"
        ),
    )


def _export(client_for: Any, ada: Any, crown: Any, **params: str) -> Any:
    return client_for(ada).get(reverse("exchange_export", args=[crown.slug]), {"personal": "on", **params})


def test_csv_phone_has_no_apostrophe_but_formulas_stay_text(
    client_for: Any, ada: Any, ben: Any, crown: Any
) -> None:
    _seed(crown, ben)
    text = _export(client_for, ada, crown, format="csv").content.decode()
    row = next(csv.DictReader(io.StringIO(text)))
    assert not row["contact_phone"].startswith("'") and "347" in row["contact_phone"]
    assert row["title"].startswith("'=HYPERLINK") and row["details"].startswith("'+cmd")
    assert row["contact_note"] == "knock twice, dog is friendly"


def test_csv_byte_order_mark_on_request(client_for: Any, ada: Any, ben: Any, crown: Any) -> None:
    _seed(crown, ben)
    assert not _export(client_for, ada, crown, format="csv").content.startswith(b"\xef\xbb\xbf")
    assert _export(client_for, ada, crown, format="csv", bom="on").content.startswith(b"\xef\xbb\xbfid,")


def test_xlsx_cells_are_text(client_for: Any, ada: Any, ben: Any, crown: Any) -> None:
    from openpyxl import load_workbook

    _seed(crown, ben)
    response = _export(client_for, ada, crown, format="xlsx")
    assert response.status_code == 200 and response["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    header, values = (list(r) for r in sheet.iter_rows(max_row=2, values_only=True))
    row = dict(zip(header, values, strict=True))
    cells = dict(zip(header, next(sheet.iter_rows(min_row=2, max_row=2)), strict=True))
    assert row["title"] == '=HYPERLINK("http://evil")' and cells["title"].data_type == "s"
    assert str(row["contact_phone"]).startswith("+") and cells["contact_phone"].data_type == "s"
    assert row["contact_note"] == "knock twice, dog is friendly"


@pytest.mark.parametrize("value", ["+1 347 555 0199", "-", "@x", "=1+1", "+SUM(A1)"])
def test_only_phone_numbers_skip_the_guard(value: str) -> None:
    from mutualaid.exchange.exporting import _safe_cell

    assert _safe_cell(value).startswith("'") == (value != "+1 347 555 0199")
