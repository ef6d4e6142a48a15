"""Whatever a sheet holds, planning its import never crashes and every row it speaks of is a line of the file."""

from __future__ import annotations

import csv
import io

from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from mutualaid.exchange import importing

HEADERS = [
    "Timestamp",
    "Name",
    "Phone",
    "Email",
    "Address",
    "Neighborhood",
    "What do you need?",
    "Urgency",
    "Details",
    "Household size",
    "Quantity",
    "Status",
    "Is your need recurring?",
    "Languages",
    "Financial support needed?",
    "Notes",
    "Marca temporal",
    "¿Qué necesita?",
    "",
    "Code",
]
CELLS = st.one_of(
    st.sampled_from(
        [
            "",
            "Food",
            "groceries, rides",
            "Comida; medicinas",
            "2 bags",
            "three",
            "yes",
            "sí",
            "x",
            "3/14/2026 9:05:11",
            "14/03/2026",
            "46095.5",
            "2026-03-14T09:05:11Z",
            "Urgent",
            "High",
            "(347) 555-0101",
            "+44 20 7946 0958",
            "a@example.org",
            "Duplicate",
            "Done",
            "=SUM(A1)",
            "<script>alert(1)</script>",
            "line one\nline two",
            "1:1 check-ins",
            "11216",
        ]
    ),
    st.text(max_size=40),
)


@settings(max_examples=60, deadline=None)
@given(
    headers=st.lists(st.sampled_from(HEADERS), min_size=1, max_size=8),
    rows=st.lists(st.lists(CELLS, min_size=0, max_size=9), max_size=8),
    kind=st.sampled_from(["auto", "need", "offer"]),
)
def test_any_sheet_plans_without_crashing(headers: list[str], rows: list[list[str]], kind: str) -> None:
    out = io.StringIO()
    csv.writer(out).writerows([headers, *rows])
    data = out.getvalue().encode()
    try:
        sheet = importing.read(data)
    except ValidationError:
        return  # an empty or unreadable file is refused with a message
    plan = importing.plan_import(sheet, kind=kind)
    lines = {line for line, _cells in sheet.rows} | {sheet.header_line}
    assert {row.line for row in plan.rows} <= lines
    assert plan.kind in ("need", "offer")
    for row in plan.to_create:
        assert row.categories and all(row.titles) and len(row.titles) == len(row.categories)
        assert all(len(t) <= 120 for t in row.titles) and 1 <= row.quantity <= 1000
