"""Amounts as integer minor units: parsing what people type, and showing it back.

One rule for every language, so "12,50" and "12.50" mean the same wherever they are typed:

- at most one separator ("." or ",") followed by 1 or 2 digits at the end: that separator is the
  decimal mark ("12,5", "12,50", "12.50" -> 12.50);
- both separators: the last one is the decimal mark, the other groups thousands, and the groups must be
  well formed ("1.250,00" and "1,250.00" -> 1250.00; "1,25.00" is refused);
- the same separator more than once: thousands ("1,250,000", "1.250.000");
- spaces (also non-breaking) may group thousands; a currency symbol ($, €) or the currency's own code
  around the number is ignored;
- a single separator followed by exactly 3 digits ("1,250", "1.250") could be 1250 or 1.25: refused
  with a message saying how to write it, never guessed (except in currencies without decimals, where
  it can only group thousands).
"""

from __future__ import annotations

import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.formats import get_format
from django.utils.translation import gettext as _

from mutualaid.funds.models import CURRENCIES, MAX_AMOUNT


def exponent(currency: str) -> int:
    return CURRENCIES.get(currency, 2)


def _separators() -> tuple[str, str]:
    """(decimal mark, thousands separator) of the active language: "." and "," in English, "," and "." in
    Spanish (Django's Spanish groups with a non-breaking space; "2.750,00" is what readers expect)."""
    decimal = "," if str(get_format("DECIMAL_SEPARATOR")) == "," else "."
    return decimal, ("," if decimal == "." else ".")


def format_money(amount: int, currency: str, *, grouping: bool = True) -> str:
    """`123456` USD -> "1,234.56 USD" in English, "1.234,56 USD" in Spanish; negative amounts keep their
    sign. No floats on the way."""
    return f"{format_amount(amount, currency, grouping=grouping)} {currency}"


def format_amount(amount: int, currency: str, *, grouping: bool = True) -> str:
    """The number alone, in the active language. `grouping=False` gives what a form field shows for editing
    ("1234.56" / "1234,56"), which the parser always reads back the same."""
    decimal, thousands = _separators()
    digits = exponent(currency)
    sign = "-" if amount < 0 else ""
    major, minor = divmod(abs(int(amount)), 10**digits)
    whole = f"{major:,}".replace(",", thousands) if grouping else str(major)
    text = whole if digits == 0 else f"{whole}{decimal}{minor:0{digits}d}"
    return f"{sign}{text}"


_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
_SYMBOLS = "$€£"
_GROUPED = re.compile(r"[0-9]{1,3}(?:(?P<sep>[ .,])[0-9]{3})*")
_BODY = re.compile(r"[0-9 .,]+")


def _not_a_number() -> ValidationError:
    example = format_amount(2550, "USD", grouping=False)
    return ValidationError(
        _("Write the amount as a number, for example 25 or %(example)s.") % {"example": example},
        code="invalid",
    )


def _whole_part(text: str, allowed: str) -> str:
    """The digits of the part before the decimal mark; grouping by `allowed` (or spaces) must be well formed."""
    if text == "":
        return "0"
    if text.isdigit():
        return text
    match = _GROUPED.fullmatch(text)
    if match is None or any(sep not in (allowed, " ") for sep in set(re.findall(r"[ .,]", text))):
        raise _not_a_number()
    if len(set(re.findall(r"[ .,]", text))) > 1:
        raise _not_a_number()
    return re.sub(r"[ .,]", "", text)


def parse_money(text: str, currency: str) -> int:
    """What a person typed -> integer minor units ("12,50" and "12.50" -> 1250 for USD).

    Raises ValidationError for anything that is not a plain positive amount or could be read two ways."""
    cleaned = _SPACES.sub(" ", text or "").strip()
    if cleaned.upper().endswith(currency.upper()) and len(cleaned) > len(currency):
        cleaned = cleaned[: -len(currency)].strip()
    cleaned = cleaned.strip(_SYMBOLS).strip()
    # Plain ASCII digits, separators and spaces only: no signs, exponents ("1e3"), full-width or
    # Arabic-Indic digits (which Decimal would quietly accept).
    if not cleaned or not _BODY.fullmatch(cleaned) or not any(c.isdigit() for c in cleaned):
        raise _not_a_number()
    digits = exponent(currency)
    marks = [i for i, c in enumerate(cleaned) if c in ".,"]
    whole, fraction = cleaned, ""
    if marks:
        last = marks[-1]
        mark = cleaned[last]
        other = "," if mark == "." else "."
        tail = cleaned[last + 1 :]
        both = other in cleaned
        if both:
            if other in tail or cleaned.count(mark) > 1:
                raise _not_a_number()
            whole, fraction = _whole_part(cleaned[:last], other), tail
        elif cleaned.count(mark) > 1:
            # The same separator more than once can only group thousands.
            whole = _whole_part(cleaned, mark)
        elif len(tail) == 3 and tail.isdigit() and (digits == 0 or digits == 3):
            if digits == 3:
                raise _ambiguous(cleaned, tail, currency)
            whole = _whole_part(cleaned, mark)
        elif len(tail) == 3 and tail.isdigit() and " " not in cleaned:
            raise _ambiguous(cleaned, tail, currency)
        else:
            whole, fraction = _whole_part(cleaned[:last], ""), tail
        if marks and (fraction != "" or both) and not fraction.isdigit():
            raise _not_a_number()
    else:
        whole = _whole_part(cleaned, "")
    if len(fraction) > digits:
        raise ValidationError(
            _("%(currency)s amounts have at most %(digits)d decimal places.")
            % {"currency": currency, "digits": digits},
            code="decimals",
        )
    scaled = Decimal(whole) * 10**digits + (Decimal(fraction.ljust(digits, "0")) if fraction else 0)
    if abs(scaled) > MAX_AMOUNT * 10:
        # Keep absurd numbers from becoming giant integers; check_amount gives the precise message.
        scaled = Decimal(MAX_AMOUNT + 1)
    return int(scaled)


def _ambiguous(text: str, tail: str, currency: str) -> ValidationError:
    decimal, _thousands = _separators()
    plain = re.sub(r"[ .,]", "", text)
    head = re.sub(r"[ .,]", "", text[: -len(tail) - 1]) or "0"
    return ValidationError(
        _(
            "“%(text)s” can be read two ways. Write %(whole)s or %(whole_decimals)s if you mean %(whole)s; "
            "for a smaller amount use at most two decimals, for example %(small)s."
        )
        % {
            "text": text,
            "whole": plain,
            "whole_decimals": f"{plain}{decimal}{'0' * max(exponent(currency), 2)}",
            "small": f"{head}{decimal}{tail[:2]}",
        },
        code="ambiguous",
    )
