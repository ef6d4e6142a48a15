"""core.forms.DecimalNumberField: a distance or a map point typed with a decimal comma or point."""

from __future__ import annotations

import pytest
from django import forms
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from mutualaid.core.forms import DecimalNumberField

pytestmark = pytest.mark.pure


class _Form(forms.Form):
    km = DecimalNumberField(min_value=0.1, max_value=500, required=False)


def _clean(text: str) -> tuple[float | None, list[str]]:
    form = _Form({"km": text})
    ok = form.is_valid()
    return (form.cleaned_data.get("km") if ok else None), list(form.errors.get("km", []))


@given(whole=st.integers(min_value=0, max_value=499), tenths=st.integers(min_value=1, max_value=9))
def test_a_comma_and_a_point_mean_the_same_in_every_language(whole: int, tenths: int) -> None:
    for language in ("en", "es"):
        with translation.override(language):
            point, _errors = _clean(f"{whole}.{tenths}")
            comma, _errors = _clean(f" {whole},{tenths} ")
        assert point == comma == float(f"{whole}.{tenths}")


def test_what_cannot_be_read_is_refused_not_guessed() -> None:
    for text in ("1.000,5", "3,5,1", "3..5", "tres", "nan", "inf"):
        value, errors = _clean(text)
        assert value is None and errors, text
    assert _clean("501")[1] and _clean("0,05")[1], "the range still holds"
    assert _clean("") == (None, [])


def test_the_field_is_text_with_the_decimal_keypad_never_a_number_input() -> None:
    html = str(_Form()["km"])
    assert 'type="text"' in html and 'inputmode="decimal"' in html
