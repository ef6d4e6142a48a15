"""Amounts typed as people write them: one rule in every language ("12,50" and "12.50" are 12.50; "1,250"
could be 1250 or 1.25 and is refused with a message saying how to write it), shown back in the reader's
language ("2.750,00 USD" in Spanish)."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from mutualaid.funds import services
from mutualaid.funds.models import MAX_AMOUNT, Request, Transaction
from mutualaid.funds.money import format_amount, format_money, parse_money

ACCEPTED = [
    ("12,5", 12_50),
    ("12,50", 12_50),
    ("12.50", 12_50),
    ("1.250,00", 1250_00),
    ("1,250.00", 1250_00),
    ("1 250,00", 1250_00),
    ("1\u00a0250.00", 1250_00),
    ("$12.50", 12_50),
    ("12,50 €", 12_50),
    ("2.750,00 USD", 2750_00),
    ("1,250,000", 1_250_000_00),
    ("1.234.567,89", 1_234_567_89),
    ("25", 25_00),
    ("0,05", 5),
]
AMBIGUOUS = ["1,250", "1.250", "12.345", "999,999"]
REFUSED = ["1,25.00", "1.250,00,00", "12,505", "-5", "+5", "1e3", "12,5.0", "1,2,3", "abc", "1 25,00"]


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize(("text", "cents"), ACCEPTED)
def test_accepted_the_same_in_every_language(language: str, text: str, cents: int) -> None:
    with translation.override(language):
        assert parse_money(text, "USD") == cents


@pytest.mark.parametrize("text", AMBIGUOUS)
def test_ambiguous_amounts_are_refused_with_how_to_write_them(text: str) -> None:
    plain = text.replace(",", "").replace(".", "")
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        parse_money(text, "USD")
    assert caught.value.code == "ambiguous"
    assert f"Write {plain} or {plain}.00" in caught.value.messages[0]
    with translation.override("es"), pytest.raises(ValidationError) as caught:
        parse_money(text, "USD")
    assert f"Escribe {plain} o {plain},00" in caught.value.messages[0]


@pytest.mark.parametrize("text", REFUSED)
def test_malformed_amounts_are_refused(text: str) -> None:
    with pytest.raises(ValidationError):
        parse_money(text, "USD")


def test_currencies_without_decimals_group_thousands() -> None:
    assert parse_money("1.250", "JPY") == 1250 and parse_money("1,250", "CLP") == 1250
    with pytest.raises(ValidationError):
        parse_money("12,50", "JPY")


def test_display_follows_the_language() -> None:
    with translation.override("en"):
        assert format_money(2750_00, "USD") == "2,750.00 USD"
        assert format_money(-5, "USD") == "-0.05 USD"
    with translation.override("es"):
        assert format_money(2750_00, "USD") == "2.750,00 USD"
        assert format_money(1234567, "JPY") == "1.234.567 JPY"
        assert format_amount(2750_00, "USD", grouping=False) == "2750,00"


def _styles(cents: int) -> list[str]:
    whole, minor = divmod(cents, 100)
    grouped = f"{whole:,}"
    out = [
        f"{whole}.{minor:02d}",
        f"{whole},{minor:02d}",
        f"{grouped}.{minor:02d}",
        f"{grouped.replace(',', '.')},{minor:02d}",
        f"{grouped.replace(',', ' ')},{minor:02d}",
        f"{grouped.replace(',', chr(0xA0))}.{minor:02d}",
        f"${grouped}.{minor:02d}",
        f"{grouped.replace(',', '.')},{minor:02d} €",
    ]
    if minor % 10 == 0:
        out += [f"{whole}.{minor // 10}", f"{whole},{minor // 10}"]
    if minor == 0:
        out.append(str(whole))
    return out


@given(st.integers(min_value=0, max_value=MAX_AMOUNT))
def test_every_amount_round_trips_in_every_accepted_style(cents: int) -> None:
    for text in _styles(cents):
        assert parse_money(text, "USD") == cents, text
    for language in ("en", "es"):
        with translation.override(language):
            assert parse_money(format_money(cents, "USD"), "USD") == cents
            assert parse_money(format_amount(cents, "USD", grouping=False), "USD") == cents


@given(
    st.integers(min_value=0, max_value=999_999),
    st.integers(min_value=0, max_value=999),
    st.sampled_from(".,"),
)
def test_one_separator_before_three_digits_is_always_refused(head: int, tail: int, mark: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_money(f"{head}{mark}{tail:03d}", "USD")
    assert caught.value.code == "ambiguous"


@given(st.text(alphabet="0123456789.,", min_size=1, max_size=14))
def test_never_off_by_a_factor_of_ten(text: str) -> None:
    """Whatever is accepted keeps every digit typed, and the decimals are exactly the 1 or 2 digits after
    the last separator (or none): never 10, 100 or 1000 times what the reader means."""
    try:
        cents = parse_money(text, "USD")
    except ValidationError:
        return
    if cents > MAX_AMOUNT:
        return  # absurd numbers are capped; the services refuse them
    digits = re.sub(r"[.,]", "", text)
    tail = re.split(r"[.,]", text)[-1] if re.search(r"[.,]", text) else ""
    decimals = len(tail) if len(tail) <= 2 and re.search(r"[.,][0-9]{0,2}$", text) else 0
    assert Decimal(cents) == Decimal(digits or "0") * 10 ** (2 - decimals)
    if re.search(r"[.,][0-9]{3}$", text):
        # Three digits after the last separator are accepted only as thousands, where the other separator
        # or a repeated one made that certain.
        assert text.count(text[-4]) > 1 or ("." in text and "," in text)


# --- Through the real pages, in English and Spanish ---------------------------------------------


def _contribute(client: Any, fund: Any, amount: str) -> Any:
    return client.post(
        reverse("funds_contribution_new", args=["crown", fund.pk]),
        {"amount": amount, "method": "cash", "occurred_on": "2026-11-01"},
    )


def _ask(client: Any, fund: Any, amount: str) -> Any:
    return client.post(
        reverse("funds_request_new", args=["crown", fund.pk]),
        {"kind": "grant", "category": "food", "amount": amount, "for_self": "1", "purpose": "Groceries"},
    )


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize(
    ("text", "cents"),
    [("12,5", 12_50), ("12,50", 12_50), ("12.50", 12_50), ("1.250,00", 1250_00), ("1,250.00", 1250_00)],
)
def test_contribution_and_request_forms(
    client_for: Any, ada: Any, ben: Any, rent_fund: Any, language: str, text: str, cents: int
) -> None:
    for member in (ada, ben):
        member.language = language
        member.save(update_fields=["language"])
    response = _contribute(client_for(ada), rent_fund, text)
    assert response.status_code == 302
    assert Transaction.objects.get().amount == cents
    response = _ask(client_for(ben), rent_fund, text)
    assert response.status_code == 302
    assert Request.objects.get().amount == cents


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Write 1250 or 1250.00 if you mean 1250"),
        ("es", "Escribe 1250 o 1250,00 si quieres decir 1250"),
    ],
)
@pytest.mark.parametrize("text", ["1,250", "1.250"])
def test_forms_refuse_ambiguous_amounts_and_show_what_was_typed(
    client_for: Any, ada: Any, ben: Any, rent_fund: Any, language: str, expected: str, text: str
) -> None:
    for member in (ada, ben):
        member.language = language
        member.save(update_fields=["language"])
    for response in (_contribute(client_for(ada), rent_fund, text), _ask(client_for(ben), rent_fund, text)):
        assert response.status_code == 400
        html = response.content.decode()
        assert expected in html
        assert f'value="{text}"' in html
    assert not Transaction.objects.exists() and not Request.objects.exists()


@pytest.mark.parametrize(
    ("text", "message"), [("0", "mayor que cero"), ("12,5055", "como máximo 2 decimales")]
)
def test_spanish_form_refusals(client_for: Any, ada: Any, rent_fund: Any, text: str, message: str) -> None:
    ada.language = "es"
    ada.save(update_fields=["language"])
    response = _contribute(client_for(ada), rent_fund, text)
    assert response.status_code == 400 and message in response.content.decode()
    assert not Transaction.objects.exists()


def test_spanish_pages_show_decimal_commas(client_for: Any, ada: Any, rent_fund: Any) -> None:
    services.contribution_record(
        fund=rent_fund, amount=2750_00, currency="USD", method="cash", recorded_by=ada
    )
    ada.language = "es"
    ada.save(update_fields=["language"])
    client = client_for(ada)
    fund_page = client.get(reverse("funds_fund", args=["crown", rent_fund.pk])).content.decode()
    assert "2.750,00 USD" in fund_page and "2,750.00" not in fund_page
    form = client.get(reverse("funds_contribution_new", args=["crown", rent_fund.pk])).content.decode()
    assert "por ejemplo 25 o 25,50" in form


# --- The API ------------------------------------------------------------------------------------


def _api_contribute(client: Any, fund: Any, amount: Any) -> Any:
    return client.post(
        f"/api/v1/groups/crown/funds/{fund.pk}/contributions",
        json.dumps({"amount": amount, "currency": "USD", "method": "cash"}),
        content_type="application/json",
    )


@pytest.mark.parametrize(
    ("amount", "cents"),
    [(1250, 1250), ("12,50", 12_50), ("12.50", 12_50), ("1.250,00", 1250_00), ("1,250.00", 1250_00)],
)
def test_api_amounts(api_for: Any, ada: Any, rent_fund: Any, amount: Any, cents: int) -> None:
    response = _api_contribute(api_for(ada), rent_fund, amount)
    assert response.status_code == 201, response.content
    assert response.json()["amount"] == cents == Transaction.objects.get().amount


@pytest.mark.parametrize("amount", ["1,250", "1.250", "1250", 12.5, 12.0, "1,25.00"])
def test_api_refuses_what_could_be_misread(api_for: Any, ada: Any, rent_fund: Any, amount: Any) -> None:
    response = _api_contribute(api_for(ada), rent_fund, amount)
    assert response.status_code == 422, response.content
    assert not Transaction.objects.exists()


def test_spanish_fund_edit_shows_the_limit_with_a_decimal_comma_and_reads_it_back(
    client_for: Any, ada: Any, bail_fund: Any
) -> None:
    bail_fund.single_approval_limit = 1250_50
    bail_fund.save(update_fields=["single_approval_limit"])
    ada.language = "es"
    ada.save(update_fields=["language"])
    client = client_for(ada)
    url = reverse("funds_fund_edit", args=["crown", bail_fund.pk])
    assert 'value="1250,50"' in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "name": bail_fund.name,
            "visibility": "public",
            "single_approval_limit": "1250,50",
            "coordinator_approvals": "2",
            "member_approvals": "0",
        },
    )
    assert response.status_code == 302
    bail_fund.refresh_from_db()
    assert bail_fund.single_approval_limit == 1250_50


def test_api_fund_limit_and_bail_return_read_strings_by_the_same_rule(api_for: Any, ada: Any) -> None:
    client = api_for(ada)
    response = client.post(
        "/api/v1/groups/crown/funds",
        json.dumps({"name": "Comida", "currency": "EUR", "single_approval_limit": "1.250,00"}),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    fund_id = response.json()["id"]
    response = client.patch(
        f"/api/v1/groups/crown/funds/{fund_id}",
        json.dumps({"single_approval_limit": "1,250"}),
        content_type="application/json",
    )
    assert response.status_code == 422 and "1250" in response.content.decode()
    response = client.patch(
        f"/api/v1/groups/crown/funds/{fund_id}",
        json.dumps({"single_approval_limit": "99,5"}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    from mutualaid.funds.models import Fund

    assert Fund.objects.get(pk=fund_id).single_approval_limit == 99_50


def test_api_amounts_without_a_currency_are_read_in_the_funds_own(api_for: Any, ada: Any) -> None:
    """A fund change names no currency: "1.500" for a yen fund is 1,500 yen, not 15 (or 150,000)."""
    client = api_for(ada)
    response = client.post(
        "/api/v1/groups/crown/funds",
        json.dumps({"name": "Kome", "currency": "JPY", "single_approval_limit": 0}),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    fund_id = response.json()["id"]
    response = client.patch(
        f"/api/v1/groups/crown/funds/{fund_id}",
        json.dumps({"single_approval_limit": "1.500"}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    from mutualaid.funds.models import Fund

    assert Fund.objects.get(pk=fund_id).single_approval_limit == 1500
    refused = client.patch(
        f"/api/v1/groups/crown/funds/{fund_id}",
        json.dumps({"single_approval_limit": "15.50"}),
        content_type="application/json",
    )
    assert refused.status_code == 422
    assert "single_approval_limit" in refused.json()["errors"]
    assert Fund.objects.get(pk=fund_id).single_approval_limit == 1500
