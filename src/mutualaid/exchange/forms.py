from __future__ import annotations

import copy
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mutualaid.core.categories import Category, Language
from mutualaid.core.forms import DateTimeField, DecimalNumberField, IsoDateTimeInput
from mutualaid.exchange.models import (
    ADDRESS_MAX,
    AREA_MAX,
    DETAILS_MAX,
    MESSAGE_MAX,
    QUANTITY_MAX,
    TITLE_MAX,
    UNIT_MAX,
    Contact,
    Kind,
    Post,
    Status,
    Urgency,
    Visibility,
)
from mutualaid.exchange.services import ContactInput, PostInput

ANY = [("", _("Any"))]


class PostForm(forms.Form):
    kind = forms.ChoiceField(label=_("I want to post"), choices=Kind.choices, widget=forms.RadioSelect)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    title = forms.CharField(label=_("Short title"), max_length=TITLE_MAX)
    details = forms.CharField(
        label=_("Details"),
        required=False,
        max_length=DETAILS_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Everyone who can see the post reads this. Keep private things for the conversation."),
    )
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=QUANTITY_MAX, initial=1)
    unit = forms.CharField(label=_("Unit (bags, seats, hours…)"), required=False, max_length=UNIT_MAX)
    urgency = forms.ChoiceField(label=_("When"), choices=Urgency.choices, initial=Urgency.FLEXIBLE)
    window_start = DateTimeField(
        label=_("Available from"),
        required=False,
        widget=IsoDateTimeInput(),
    )
    window_end = DateTimeField(
        label=_("Until"),
        required=False,
        widget=IsoDateTimeInput(),
    )
    recurring = forms.BooleanField(label=_("This repeats"), required=False)
    languages = forms.MultipleChoiceField(
        label=_("Languages spoken"),
        required=False,
        choices=Language.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    area = forms.CharField(
        label=_("Area"),
        required=False,
        max_length=AREA_MAX,
        help_text=_("A postal code or neighbourhood. Only a rough area is shown."),
    )
    max_km = DecimalNumberField(
        label=_("How far you can go (km, offers)"), required=False, min_value=0.1, max_value=500
    )
    address = forms.CharField(
        label=_("Exact address (optional)"),
        required=False,
        max_length=ADDRESS_MAX,
        help_text=_("Encrypted, and shown only to the person matched with you."),
    )
    visibility = forms.ChoiceField(
        label=_("Who can see it"), choices=Visibility.choices, initial=Visibility.GROUP
    )
    on_behalf = forms.BooleanField(
        label=_("I am posting for a neighbour without phone or internet"), required=False
    )
    contact_name = forms.CharField(label=_("Neighbour's name"), required=False, max_length=100)
    contact_phone = forms.CharField(label=_("Neighbour's phone"), required=False, max_length=32)
    contact_note = forms.CharField(
        label=_("Private note about the neighbour"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Encrypted; seen by you and coordinators only."),
    )

    @staticmethod
    def initial_for(post: Post) -> dict[str, object]:
        fields = (
            "kind",
            "category",
            "title",
            "details",
            "quantity",
            "unit",
            "urgency",
            "window_start",
            "window_end",
            "recurring",
            "languages",
            "area",
            "max_km",
            "address",
            "visibility",
        )
        return {name: getattr(post, name) for name in fields}

    def post_input(self) -> PostInput:
        d = self.cleaned_data
        on_behalf = None
        if d.get("on_behalf"):
            on_behalf = ContactInput(
                name=d.get("contact_name") or "",
                phone=d.get("contact_phone") or "",
                note=d.get("contact_note") or "",
            )
        return PostInput(
            kind=d["kind"],
            category=d["category"],
            title=d["title"],
            details=d.get("details") or "",
            quantity=d.get("quantity") or 1,
            unit=d.get("unit") or "",
            urgency=d["urgency"],
            window_start=d.get("window_start"),
            window_end=d.get("window_end"),
            recurring=d.get("recurring", False),
            languages=d.get("languages") or [],
            area=d.get("area") or "",
            max_km=d.get("max_km"),
            address=d.get("address") or "",
            visibility=d["visibility"],
            on_behalf=on_behalf,
        )


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Neighbour's name"), required=False, max_length=100)
    phone = forms.CharField(label=_("Neighbour's phone"), required=False, max_length=32)
    email = forms.CharField(label=_("Neighbour's e-mail"), required=False, max_length=254)
    household_size = forms.IntegerField(label=_("Household size"), required=False, min_value=1, max_value=50)
    note = forms.CharField(
        label=_("Private note about the neighbour"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Encrypted; seen by coordinators and the member who took the neighbour in."),
    )

    @staticmethod
    def initial_for(contact: Contact) -> dict[str, object]:
        return {
            "name": contact.name,
            "phone": contact.phone,
            "email": contact.email,
            "household_size": contact.household_size,
            "note": contact.note,
        }

    def contact_input(self) -> ContactInput:
        d = self.cleaned_data
        return ContactInput(
            name=d.get("name") or "",
            phone=d.get("phone") or "",
            email=d.get("email") or "",
            note=d.get("note") or "",
            household_size=d.get("household_size"),
        )


class _FixedSelect(forms.Select):
    def __deepcopy__(self, memo: dict[int, Any]) -> _FixedSelect:
        widget = copy.copy(self)
        widget.attrs = self.attrs.copy()
        memo[id(self)] = widget
        return widget


class FixedChoiceField(forms.ChoiceField):
    """A choice field whose choices are the same for every form: each form's copy of the field shares them
    instead of deep-copying every (lazy) label and normalising the list again, which was about a tenth of the
    board's CPU per view. Only for choices nothing changes after the class is built."""

    widget = _FixedSelect

    def __deepcopy__(self, memo: dict[int, Any]) -> FixedChoiceField:
        return forms.Field.__deepcopy__(self, memo)


class BoardForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    kind = FixedChoiceField(label=_("Needs or offers"), required=False, choices=ANY + Kind.choices)
    category = FixedChoiceField(label=_("Category"), required=False, choices=ANY + Category.choices)
    urgency = FixedChoiceField(label=_("When"), required=False, choices=ANY + Urgency.choices)
    status = FixedChoiceField(
        label=_("Status"), required=False, choices=[("", pgettext_lazy("posts", "Active")), *Status.choices]
    )
    language = FixedChoiceField(label=_("Language"), required=False, choices=ANY + Language.choices)
    area = forms.CharField(
        label=_("Nearest to (postal code or neighbourhood)"), required=False, max_length=AREA_MAX
    )
    # Coordinators only (the view drops it for others): posts whose area could not be placed.
    unplaced = forms.BooleanField(label=_("Only posts whose area is not placed"), required=False)
    page = forms.IntegerField(required=False, min_value=1, max_value=1000, widget=forms.HiddenInput)


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message"), max_length=MESSAGE_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )


class AssignForm(forms.Form):
    member = forms.IntegerField(label=_("Member"))


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet (CSV or XLSX)"))
    kind = forms.ChoiceField(
        label=_("The rows are"),
        initial="auto",
        choices=[("auto", _("Read it from the headers")), ("need", _("Needs")), ("offer", _("Offers"))],
        help_text=_("A column like “What can you offer?” makes the rows offers; otherwise they are needs."),
    )
    visibility = forms.ChoiceField(
        label=_("Who sees the imported posts"),
        choices=Visibility.choices,
        initial=Visibility.COORDINATORS,
        help_text=_(
            "People who filled in your form did not post to the whole group: by default coordinators "
            "look first and publish each post by editing it."
        ),
    )


class ExportForm(forms.Form):
    format = forms.ChoiceField(
        label=_("Format"), choices=[("csv", "CSV"), ("xlsx", _("Excel (XLSX)")), ("json", "JSON")]
    )
    bom = forms.BooleanField(
        label=_("CSV for Excel (adds a UTF-8 byte-order mark so accents show right)"), required=False
    )
    personal = forms.BooleanField(
        label=_("Include personal fields (names, phones, e-mails, addresses, private notes)"),
        required=False,
        help_text=_("Each export with personal fields is recorded in the audit log."),
    )
