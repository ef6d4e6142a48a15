"""Forms of the defense pages. They only shape input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mutualaid.core.forms import DecimalNumberField
from mutualaid.defense import geo
from mutualaid.defense.models import RIGHTS_MAX, SEEN_MAX, WHAT_MAX, WHEN_MAX, WHERE_MAX, AlertKind

AREA_HELP = _("A neighbourhood of the group or a postal code. No street address.")


class ReportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What is happening?"), choices=AlertKind.choices, widget=forms.RadioSelect
    )
    what = forms.CharField(
        label=_("What do you see?"),
        max_length=WHAT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only what you see yourself: how many, what vehicles, what they are doing."),
    )
    area = forms.CharField(label=_("Neighbourhood"), max_length=100, required=False, help_text=AREA_HELP)
    where = forms.CharField(
        label=_("Cross streets or landmark"),
        max_length=WHERE_MAX,
        required=False,
        help_text=_("Only verifiers see this."),
    )
    when_seen = forms.CharField(label=_("Since when?"), max_length=WHEN_MAX, required=False)


class HotlineForm(ReportForm):
    caller_name = forms.CharField(label=_("Caller's name (if they give it)"), max_length=100, required=False)
    caller_phone = forms.CharField(label=_("Caller's number"), max_length=40, required=False)


class ResponderForm(forms.Form):
    area = forms.CharField(label=_("Neighbourhood"), max_length=100, help_text=AREA_HELP)
    radius_km = DecimalNumberField(
        label=_("How far around it (km)"), min_value=geo.MIN_RADIUS_KM, max_value=geo.MAX_RADIUS_KM, initial=3
    )
    by_sms = forms.BooleanField(label=_("By text message"), required=False, initial=True)
    by_email = forms.BooleanField(label=_("By e-mail"), required=False)


class ConfirmForm(forms.Form):
    seen = forms.CharField(
        label=_("What you saw"), max_length=SEEN_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )
    evidence = forms.BooleanField(label=_("I have evidence (photo or video)"), required=False)
    area = forms.CharField(
        label=_("Neighbourhood (to correct or give it)"), max_length=100, required=False, help_text=AREA_HELP
    )


class UnfoundedForm(forms.Form):
    note = forms.CharField(
        label=_("Why (only verifiers see it)"),
        max_length=SEEN_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CorrectForm(forms.Form):
    area = forms.CharField(label=_("The right neighbourhood"), max_length=100, help_text=AREA_HELP)


class VerifierForm(forms.Form):
    user = forms.TypedChoiceField(label=_("Member"), coerce=int)
    area = forms.CharField(
        label=_("Area they cover"),
        max_length=100,
        required=False,
        help_text=_("Leave empty for the whole group."),
    )
    radius_km = DecimalNumberField(
        label=_("How far around it (km)"), min_value=geo.MIN_RADIUS_KM, max_value=geo.MAX_RADIUS_KM, initial=3
    )

    def __init__(self, *args: Any, members: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = members  # type: ignore[attr-defined]


class PolicyForm(forms.Form):
    one_with_evidence = forms.BooleanField(
        label=_("One verifier with evidence may send an alert"),
        required=False,
        help_text=_("Otherwise two different verifiers must confirm before anything is sent."),
    )
    expire_hours = forms.IntegerField(label=_("Alerts expire after (hours)"), min_value=1, max_value=72)
    rights_en = forms.CharField(
        label=_("Know your rights (English)"),
        max_length=RIGHTS_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Leave empty to use the default text."),
    )
    rights_es = forms.CharField(
        label=_("Know your rights (Spanish)"),
        max_length=RIGHTS_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Leave empty to use the default text."),
    )
