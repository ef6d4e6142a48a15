"""Forms for the lending library."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mutualaid.lending.models import ItemCondition


class ItemForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("e.g. Cordless drill, Car seat (0-4 years)")
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Size, what comes with it, how to use it safely."),
    )
    condition = forms.ChoiceField(label=_("Condition"), choices=ItemCondition.choices)
    loan_days = forms.IntegerField(label=_("Loan length in days"), min_value=1, max_value=365, initial=14)
    own = forms.BooleanField(
        label=_("This is my own item: I lend it through the group and keep ownership"),
        required=False,
    )


class RepairForm(forms.Form):
    note = forms.CharField(
        label=_("What was wrong or what was done"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    condition = forms.ChoiceField(label=_("Condition after"), choices=ItemCondition.choices)


class PhotoForm(forms.Form):
    remove = forms.BooleanField(label=_("Remove the photo"), required=False)
    # Last on the form: an oversized photo stops the upload, and fields after it would be lost.
    photo = forms.FileField(
        label=_("Photo (JPEG or PNG, up to 5 MB)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png", "capture": "environment"}),
    )

    def __init__(self, *args: Any, has_photo: bool = False, **kwargs: Any) -> None:
        """Offer "Remove the photo" only when the item has one to remove."""
        super().__init__(*args, **kwargs)
        if not has_photo:
            del self.fields["remove"]
