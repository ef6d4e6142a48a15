from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class PublishingForm(forms.Form):
    publish_offers = forms.BooleanField(
        label=_("Publish our open offers as open data"),
        help_text=_(
            "Other tools can then read each open offer of the group: its category, quantity, "
            "neighbourhood and time window. Never its title, details, address or who offers it."
        ),
        required=False,
    )
