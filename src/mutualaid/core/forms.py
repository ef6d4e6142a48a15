from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from mutualaid.core.dates import validate_day, validate_time


def apply_errors(form: forms.Form, exc: ValidationError) -> None:
    """Attach a service's ValidationError to the form, each message next to its field when there is one."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


class DateField(forms.DateField):
    """A day within the range the program computes with (`core.dates`): year 1 or 9999 is a form error."""

    default_validators = [validate_day]


class DateTimeField(forms.DateTimeField):
    """A time within the range the program computes with (`core.dates`), whatever its offset."""

    default_validators = [validate_time]


class MultipleChoiceCheckboxes(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple


class IsoDateInput(forms.DateInput):
    """`<input type=date>` always carries an ISO value (YYYY-MM-DD): browsers discard anything else, so a
    Spanish page pre-filled with 04/12/2026 submitted an empty day."""

    input_type = "date"

    def __init__(self, attrs: dict[str, str] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class IsoDateTimeInput(forms.DateTimeInput):
    """`<input type=datetime-local>` with its ISO value (YYYY-MM-DDTHH:MM) in every language."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, str] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class DecimalNumberField(forms.FloatField):
    """A number with a fractional part (a distance, a map point) typed as people write it: "3.5" or "3,5".

    Not `<input type=number>`: a Spanish browser dropped the comma while it was typed ("3,5" reached the
    server as "35", ten times as far). A text field with the phone's decimal keypad takes either mark; a
    number with both marks, or several of one, is refused rather than guessed (the range checks stay the
    field's min_value and max_value)."""

    widget = forms.TextInput

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")
        self.widget.attrs.setdefault("autocomplete", "off")

    def to_python(self, value: Any) -> float | None:  # type: ignore[override]  # the stubs give FloatField IntegerField's int
        if isinstance(value, str):
            value = value.strip().replace(" ", "")
            if value.count(",") + value.count(".") > 1:
                raise ValidationError(self.error_messages["invalid"], code="invalid")
            value = value.replace(",", ".")
        return super().to_python(value)
