"""Amounts as integer minor units: parsing what people type, and showing it back."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from mutualaid.funds.models import CURRENCIES, MAX_AMOUNT


def exponent(currency: str) -> int:
    return CURRENCIES.get(currency, 2)


def format_money(amount: int, currency: str) -> str:
    """`1234` USD -> "12.34 USD"; negative amounts keep their sign. No floats on the way."""
    digits = exponent(currency)
    sign = "-" if amount < 0 else ""
    major, minor = divmod(abs(int(amount)), 10**digits)
    text = f"{major:,}" if digits == 0 else f"{major:,}.{minor:0{digits}d}"
    return f"{sign}{text} {currency}"


PLAIN_AMOUNT = re.compile(r"[0-9]+(?:\.[0-9]+)?")


def parse_money(text: str, currency: str) -> int:
    """ "12.5" -> 1250 for USD. Raises ValidationError for anything that is not a plain positive amount."""
    cleaned = (text or "").strip().replace(",", "")
    # Plain ASCII digits and one decimal point only: no exponents ("1e3"), no full-width or Arabic-Indic
    # digits, which Decimal would quietly accept.
    if not PLAIN_AMOUNT.fullmatch(cleaned):
        raise ValidationError(_("Write the amount as a number, for example 25 or 25.50."))
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValidationError(_("Write the amount as a number, for example 25 or 25.50.")) from None
    if not value.is_finite():
        raise ValidationError(_("Write the amount as a number, for example 25 or 25.50."))
    digits = exponent(currency)
    scaled = value * (Decimal(10) ** digits)
    if scaled != scaled.to_integral_value():
        raise ValidationError(
            _("%(currency)s amounts have at most %(digits)d decimal places.")
            % {"currency": currency, "digits": digits}
        )
    if abs(scaled) > MAX_AMOUNT * 10:
        # Keep absurd numbers from becoming giant integers; check_amount gives the precise message.
        scaled = Decimal(MAX_AMOUNT + 1)
    return int(scaled)
