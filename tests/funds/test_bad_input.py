"""Bad input is refused with a clear message and nothing is written (THREATS.md property 22)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from mutualaid.funds import services
from mutualaid.funds.models import Account, Entry, Request, Transaction
from mutualaid.funds.money import format_money, parse_money


def _nothing_written(fund: Any) -> None:
    assert Transaction.objects.filter(fund=fund).count() == 0
    assert Entry.objects.count() == 0
    assert set(Account.objects.filter(fund=fund).values_list("balance", flat=True)) == {0}


@pytest.mark.parametrize(
    ("amount", "currency", "errors"),
    [
        (0, "USD", {"amount": ["The amount must be more than zero."]}),
        (-5_00, "USD", {"amount": ["The amount must be more than zero."]}),
        (
            10**12,
            "USD",
            {"amount": ["That amount is too large for one record (at most 100,000,000.00 USD)."]},
        ),
        (10_00, "EUR", {"currency": ["This fund keeps its money in USD, not EUR."]}),
        (10_00, "", {"currency": ["This fund keeps its money in USD, not ?."]}),
        (True, "USD", {"amount": ["The amount must be a whole number of minor units (cents)."]}),
        (10.5, "USD", {"amount": ["The amount must be a whole number of minor units (cents)."]}),
    ],
)
def test_bad_contribution_amounts(
    rent_fund: Any, ada: Any, amount: Any, currency: str, errors: dict[str, list[str]]
) -> None:
    with pytest.raises(ValidationError) as caught:
        services.contribution_record(
            fund=rent_fund, amount=amount, currency=currency, method="cash", recorded_by=ada
        )
    assert caught.value.message_dict == errors
    _nothing_written(rent_fund)


@pytest.mark.parametrize("amount", [0, -1, 10**13])
def test_bad_request_amounts(rent_fund: Any, ben: Any, amount: int) -> None:
    with pytest.raises(ValidationError):
        services.request_create(fund=rent_fund, requested_by=ben, amount=amount, currency="USD", purpose="x")
    assert not Request.objects.exists()


def test_request_needs_a_purpose(rent_fund: Any, ben: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        services.request_create(fund=rent_fund, requested_by=ben, amount=5_00, currency="USD", purpose="  ")
    assert caught.value.message_dict == {"purpose": ["Say briefly what the money is for."]}


def test_unknown_method_is_refused(rent_fund: Any, ada: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        services.contribution_record(
            fund=rent_fund, amount=5_00, currency="USD", method="bitcoin", recorded_by=ada
        )
    assert caught.value.message_dict == {
        "method": ["Say how the money moved: cash, bank, payment app, cheque or other."]
    }
    _nothing_written(rent_fund)


def test_future_day_is_refused(rent_fund: Any, ada: Any) -> None:
    import datetime

    from django.utils import timezone

    with pytest.raises(ValidationError) as caught:
        services.contribution_record(
            fund=rent_fund,
            amount=5_00,
            currency="USD",
            method="cash",
            recorded_by=ada,
            occurred_on=timezone.localdate() + datetime.timedelta(days=2),
        )
    assert caught.value.message_dict == {"occurred_on": ["The day cannot be in the future."]}


def test_fund_rules_are_checked(crown: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        services.fund_create(
            group=crown, name="", currency="XXX", coordinator_approvals=0, member_approvals=-1
        )
    assert set(caught.value.message_dict) == {"name", "currency", "coordinator_approvals", "member_approvals"}


@pytest.mark.parametrize(
    ("text", "currency", "expected"),
    [
        ("25", "USD", 25_00),
        ("25.5", "USD", 25_50),
        ("1,250.75", "USD", 125_075),
        ("500", "JPY", 500),
        (" 0.01 ", "EUR", 1),
    ],
)
def test_parse_money(text: str, currency: str, expected: int) -> None:
    assert parse_money(text, currency) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("abc", "Write the amount as a number, for example 25 or 25.50."),
        ("NaN", "Write the amount as a number, for example 25 or 25.50."),
        ("Infinity", "Write the amount as a number, for example 25 or 25.50."),
        ("1.2345", "USD amounts have at most 2 decimal places."),
        (
            "1.234",
            "“1.234” can be read two ways. Write 1234 or 1234.00 if you mean 1234; "
            "for a smaller amount use at most two decimals, for example 1.23.",
        ),
        # Only what the form says: plain ASCII digits and a decimal point (THREATS.md property 22).
        ("1e3", "Write the amount as a number, for example 25 or 25.50."),
        ("\uff11\uff10", "Write the amount as a number, for example 25 or 25.50."),
        ("\u0661\u0660", "Write the amount as a number, for example 25 or 25.50."),
        ("1_000", "Write the amount as a number, for example 25 or 25.50."),
        ("+5", "Write the amount as a number, for example 25 or 25.50."),
    ],
)
def test_parse_money_refuses(text: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_money(text, "USD")
    assert caught.value.messages == [message]


def test_parse_money_caps_absurd_numbers() -> None:
    assert parse_money("1" + "0" * 40, "USD") > 100_000_000_00


def test_format_money() -> None:
    assert format_money(123456, "USD") == "1,234.56 USD"
    assert format_money(-5, "USD") == "-0.05 USD"
    assert format_money(500, "JPY") == "500 JPY"


def test_html_in_text_fields_is_escaped(client_for: Any, ada: Any, ben: Any, rent_fund: Any) -> None:
    from django.urls import reverse

    ask = services.request_create(
        fund=rent_fund,
        requested_by=ben,
        amount=5_00,
        currency="USD",
        purpose="<script>alert('x')</script>",
        payee="<img src=x onerror=alert(1)>",
    )
    html = client_for(ada).get(reverse("funds_request", args=["crown", ask.pk])).content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html


@pytest.mark.parametrize(
    "payload",
    [
        {"amount": "ten", "currency": "USD", "method": "cash"},
        {"amount": 10.5, "currency": "USD", "method": "cash"},
        {"amount": 10**30, "currency": "USD", "method": "cash"},
        {"currency": "USD", "method": "cash"},
        {"amount": 100, "currency": "USD", "method": "cash", "occurred_on": "not-a-day"},
        {"amount": 100, "currency": "USD\x00", "method": "cash"},
    ],
)
def test_api_refuses_malformed_amounts(
    api_for: Any, ada: Any, rent_fund: Any, payload: dict[str, Any]
) -> None:
    import json

    response = api_for(ada).post(
        f"/api/v1/groups/crown/funds/{rent_fund.pk}/contributions",
        json.dumps(payload),
        content_type="application/json",
    )
    assert response.status_code in (400, 422), response.content
    _nothing_written(rent_fund)
