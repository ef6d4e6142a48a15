"""Forms for housing offers and stays."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mutualaid.core.forms import DateField, IsoDateInput
from mutualaid.housing.models import OfferKind


class OfferForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of place"), choices=OfferKind.choices)
    max_nights = forms.IntegerField(label=_("Most nights at a time"), min_value=1, max_value=365, initial=3)
    address = forms.CharField(
        label=_("Exact address"),
        max_length=300,
        help_text=_("Sealed. Coordinators see it; a guest only once a stay is arranged."),
    )
    who = forms.CharField(
        label=_("Who you can host"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    accessibility = forms.CharField(
        label=_("Accessibility"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    pets = forms.CharField(label=_("Pets"), max_length=300, required=False)
    languages = forms.CharField(label=_("Languages spoken at home"), max_length=200, required=False)


class ProposeForm(forms.Form):
    need = forms.TypedChoiceField(label=_("Housing need"), coerce=int)
    starts_on = DateField(label=_("First night"), widget=IsoDateInput)
    ends_on = DateField(label=_("Leaves on"), widget=IsoDateInput)
    checkin_every_days = forms.IntegerField(
        label=_("Check in every (days)"), min_value=1, max_value=30, initial=2
    )

    def __init__(self, *args: Any, needs: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["need"].choices = [(p.pk, f"#{p.pk} {p.title or ''}") for p in needs]  # type: ignore[attr-defined]


class CheckInForm(forms.Form):
    all_well = forms.BooleanField(label=_("All well"), required=False, initial=True)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
