"""Reversing a ledger transaction asks first and keeps the reason in the ledger (issue 11)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from mutualaid.funds import services
from mutualaid.funds.models import Transaction
from tests.funds.conftest import fill


def test_the_fund_page_links_to_a_confirmation_not_a_one_tap_button(
    client_for: Any, ada: Any, rent_fund: Any
) -> None:
    record = fill(rent_fund, 10_00, ada)
    url = reverse("funds_reverse", args=["crown", rent_fund.pk, record.pk])
    client = client_for(ada)
    page = client.get(reverse("funds_fund", args=["crown", rent_fund.pk])).content.decode()
    assert f'<a href="{url}">' in page and f'action="{url}"' not in page
    confirm = client.get(url)
    assert confirm.status_code == 200 and "Why is it reversed?" in confirm.content.decode()
    assert not Transaction.objects.filter(reverses=record).exists()
    refused = client.post(url, {"reason": "  "})
    assert refused.status_code == 200 and "This field is required." in refused.content.decode()
    assert not Transaction.objects.filter(reverses=record).exists()
    done = client.post(url, {"reason": "Entered twice by mistake"})
    assert done.status_code == 302
    reversal = Transaction.objects.get(reverses=record)
    assert reversal.reason == "Entered twice by mistake"
    with connection.cursor() as cursor:  # sealed at rest, like other free text
        cursor.execute("SELECT reason FROM funds_transaction WHERE id = %s", [reversal.pk])
        assert "Entered twice" not in cursor.fetchone()[0]


def test_the_service_requires_a_reason(ada: Any, rent_fund: Any) -> None:
    record = fill(rent_fund, 10_00, ada)
    with pytest.raises(ValidationError) as caught:
        services.transaction_reverse(record=record, reversed_by=ada, reason=" ")
    assert caught.value.message_dict == {"reason": ["Say why this transaction is reversed."]}


def test_the_api_requires_a_reason(api_for: Any, ada: Any, rent_fund: Any) -> None:
    record = fill(rent_fund, 10_00, ada)
    url = f"/api/v1/groups/crown/funds/{rent_fund.pk}/transactions/{record.pk}/reverse"
    assert api_for(ada).post(url, {}, content_type="application/json").status_code == 422
    done = api_for(ada).post(url, {"reason": "wrong amount"}, content_type="application/json")
    assert done.status_code == 201
    assert Transaction.objects.get(reverses=record).reason == "wrong amount"
