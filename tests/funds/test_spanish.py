"""Funds pages and errors speak Spanish (tests/core/test_translations.py checks the catalogue is complete)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import translation

from mutualaid.funds import services


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
