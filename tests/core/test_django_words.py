"""Django's own form messages read in the page's language and in the site's voice: on Kreyòl pages they
were English ("Ensure this value is greater than or equal to 1."), and Spanish ones said "usted"
("Asegúrese de que…") where the site says "tú" (the tester's demo run, every form with a number)."""

from __future__ import annotations

import pytest
from django import forms
from django.utils import translation

from mutualaid.core.django_words import FORM_MESSAGES


class _Form(forms.Form):
    quantity = forms.IntegerField(min_value=1, max_value=10)
    day = forms.DateField()
    kind = forms.ChoiceField(choices=[("need", "need")])


def _errors(language: str) -> list[str]:
    with translation.override(language):
        form = _Form({"quantity": "-5", "day": "yesterday", "kind": "gift"})
        assert not form.is_valid()
        return [str(m) for messages in form.errors.values() for m in messages]


@pytest.mark.parametrize("language", ["es", "ht", "fr", "zh-hans", "ar"])
def test_form_errors_are_in_the_page_language(language: str) -> None:
    english = _errors("en")
    shown = _errors(language)
    assert len(shown) == 3
    assert not set(shown) & set(english), shown


def test_spanish_form_errors_say_tu_not_usted() -> None:
    text = " ".join(_errors("es"))
    assert "Asegúrese" not in text and "Introduzca" not in text and "Escoja" not in text, text


def test_every_listed_message_is_translated() -> None:
    for language in ("es", "ht", "fr", "zh-hans", "ar"):
        with translation.override(language):
            assert all(translation.gettext(m) != m for m in FORM_MESSAGES), language


@pytest.mark.parametrize("language", ["es", "ht", "fr", "zh-hans", "ar"])
def test_password_rules_and_errors_are_in_the_page_language(language: str) -> None:
    """The password change and sign-up pages list the validators' rules under the new password; Kreyòl
    showed them in English, and Django's Spanish and French address the reader as usted and vous."""
    from django.contrib.auth.password_validation import password_validators_help_texts, validate_password
    from django.core.exceptions import ValidationError

    def shown() -> list[str]:
        try:
            validate_password("1234")
        except ValidationError as exc:
            errors = list(exc.messages)
        else:  # pragma: no cover - a four-digit password is refused by three validators
            errors = []
        return [str(text) for text in password_validators_help_texts()] + errors

    with translation.override("en"):
        english = shown()
    with translation.override(language):
        local = shown()
    assert len(local) == len(english) == 7, local
    assert not set(local) & set(english), local
    if language == "es":
        assert not any("Su contraseña" in text or "Asegúrese" in text for text in local), local
    if language == "fr":
        assert not any("Votre" in text or "vous" in text for text in local), local
