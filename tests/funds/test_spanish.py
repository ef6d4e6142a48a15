"""Spanish is complete: the catalogue has no empty or fuzzy entry, and pages and errors speak it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.urls import reverse
from django.utils import translation

import mutualaid.funds
from mutualaid.funds import services

PO = Path(mutualaid.funds.__file__).parent / "locale" / "es" / "LC_MESSAGES" / "django.po"


def test_catalogue_is_complete() -> None:
    text = PO.read_text(encoding="utf-8")
    entries = text.split("\n\n")[1:]
    assert entries
    for entry in entries:
        assert "#, fuzzy" not in entry
        lines = entry.strip().splitlines()
        for index, line in enumerate(lines):
            if line.startswith("msgstr") and line.endswith('""'):
                # An empty first line is fine only when the translation continues on the next lines.
                assert index + 1 < len(lines) and lines[index + 1].startswith('"'), entry


def test_transparency_page_in_spanish(client_for: Any, ada: Any, bail_fund: Any) -> None:
    services.contribution_record(fund=bail_fund, amount=10_00, currency="USD", method="cash", recorded_by=ada)
    client = client_for(None)
    client.cookies["django_language"] = "es"
    html = client.get(reverse("funds_transparency", args=["crown", bail_fund.pk])).content.decode()
    assert "Saldo" in html and "Aporte" in html and "Por mes" in html


def test_errors_in_spanish(rent_fund: Any, ada: Any) -> None:
    import pytest
    from django.core.exceptions import ValidationError

    with translation.override("es"), pytest.raises(ValidationError) as caught:
        services.contribution_record(fund=rent_fund, amount=0, currency="USD", method="cash", recorded_by=ada)
    assert caught.value.message_dict == {"amount": ["El monto debe ser mayor que cero."]}
