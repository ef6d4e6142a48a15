from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mutualaid.insights import impact


class ImpactPageForm(forms.Form):
    public = forms.BooleanField(
        label=_("Publish our impact page"),
        help_text=_(
            "Anyone can then read how many needs and offers the group had and met, per month and "
            "kind of help, and print the impact report. Counts from 1 to 10 are never shown."
        ),
        required=False,
    )


class PhoneBankForm(forms.Form):
    exact = forms.BooleanField(
        label=_("Print names and phone numbers"),
        help_text=_(
            "Only for volunteers who will call today. Each person whose number is printed is written in "
            "the group's record of who read private details."
        ),
        required=True,
        error_messages={
            "required": _(
                "Tick “Print names and phone numbers” first: it confirms that volunteers will call these "
                "people today, and each person whose number is printed is recorded as read."
            )
        },
    )


class ReportPeriodForm(forms.Form):
    """The impact report's period: only the months a report serves are offered, and a reversed or
    unserved period is a form error (never clamped or swapped)."""

    start = forms.ChoiceField(label=_("From"), required=False)
    end = forms.ChoiceField(label=_("To"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "%s")
        super().__init__(*args, **kwargs)
        months = [(f"{m:%Y-%m}", f"{m:%Y-%m}") for m in impact.report_months()]
        for name in ("start", "end"):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = months
            field.error_messages["invalid_choice"] = _(
                "Choose a month from the list: a report covers the last %(n)s months."
            ) % {"n": impact.REPORT_MAX_MONTHS}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        try:
            data["period"] = impact.Period.parse(data)
        except impact.PeriodError as error:
            field = (
                "end" if data.get("start") and data.get("end") else ("end" if data.get("start") else "start")
            )
            self.add_error(field, str(error))
        return data
