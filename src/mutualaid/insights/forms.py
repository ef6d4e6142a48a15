from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


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
    )
