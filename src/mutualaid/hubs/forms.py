"""Forms for hubs. The report form starts empty every time: a report pre-filled from the last one
invites a lazy "still fine" (the issue's rule), so it takes no initial values at all."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mutualaid.core.categories import Category
from mutualaid.core.forms import DateField, IsoDateInput
from mutualaid.hubs.models import Condition, FoodLevel, HubKind


class FindForm(forms.Form):
    q = forms.CharField(
        label=_("Postal code or place"),
        max_length=100,
        required=False,
        help_text=_("Nothing you type leaves this server."),
    )


class HubForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=HubKind.choices)
    public = forms.BooleanField(
        label=_("Public: anyone may find it and report on it (its address is shown to everyone)"),
        required=False,
        initial=True,
    )
    address = forms.CharField(
        label=_("Street address"),
        max_length=200,
        required=False,
        help_text=_("Members-only hubs keep it sealed and show it to members only."),
    )
    area = forms.CharField(
        label=_("Neighbourhood, postal code or coordinates"),
        max_length=80,
        required=False,
        help_text=_(
            'Used for "nearest first". Coordinates such as 40.6782, -73.9442 place a public hub exactly.'
        ),
    )
    hours = forms.CharField(
        label=_("Opening hours"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            'One line per day or days, e.g. "mon-fri 09:00-18:00" or "sun closed". Empty: open at any time.'
        ),
    )
    accessibility = forms.CharField(
        label=_("Accessibility"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    takes = forms.CharField(
        label=_("What it takes"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    refuses = forms.CharField(
        label=_("What it does not take"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    restock_category = forms.ChoiceField(
        label=_("Category of restock needs"), choices=Category.choices, initial="food"
    )
    restock_quantity = forms.IntegerField(
        label=_("Quantity asked when it runs empty"), min_value=1, max_value=1000, initial=1
    )
    restock_unit = forms.CharField(label=_("Unit (e.g. bags, meals)"), max_length=30, required=False)
    active = forms.BooleanField(label=_("In use"), required=False, initial=True)


class ClosureForm(forms.Form):
    starts_on = DateField(label=_("From"), widget=IsoDateInput())
    ends_on = DateField(label=_("Until (empty: one day)"), widget=IsoDateInput(), required=False)
    hours = forms.CharField(
        label=_("Hours on those days"),
        max_length=60,
        required=False,
        help_text=_('E.g. "10:00-14:00"; empty: closed.'),
    )
    reason = forms.CharField(label=_("Reason (e.g. a holiday)"), max_length=100, required=False)


class ReportForm(forms.Form):
    condition = forms.ChoiceField(label=_("How is it?"), choices=Condition.choices, widget=forms.RadioSelect)
    food_level = forms.TypedChoiceField(
        label=_("How full is it?"), choices=FoodLevel.choices, coerce=int, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note (optional)"), max_length=280, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    # Last on the form: an oversized photo stops the upload, and fields after it would be lost.
    photo = forms.FileField(
        label=_("Photo (optional, JPEG or PNG, up to 5 MB)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png", "capture": "environment"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.pop("initial", None)  # never pre-filled
        super().__init__(*args, **kwargs)


class StockItemForm(forms.Form):
    name = forms.CharField(label=_("Item"), max_length=80)
    unit = forms.CharField(label=_("Unit (e.g. kg, packs)"), max_length=30, required=False)
    low_at = forms.IntegerField(label=_("Tell coordinators when fewer than"), min_value=0, initial=0)


class MovementForm(forms.Form):
    item = forms.IntegerField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("In or out"), choices=[("in", _("In")), ("out", _("Out"))])
    amount = forms.IntegerField(label=_("How many"), min_value=1, max_value=100_000)


class CountForm(forms.Form):
    """One number per item, as counted on the shelves (empty: not counted)."""

    def __init__(self, *args: Any, items: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for item in items:
            self.fields[f"item_{item.pk}"] = forms.IntegerField(
                label=f"{item.name} ({item.unit})" if item.unit else item.name,
                min_value=0,
                max_value=1_000_000,
                required=False,
            )

    def counts(self) -> dict[int, int]:
        return {
            int(name.removeprefix("item_")): value
            for name, value in self.cleaned_data.items()
            if value is not None
        }
