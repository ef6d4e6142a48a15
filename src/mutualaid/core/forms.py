from __future__ import annotations

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
