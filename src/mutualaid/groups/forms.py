from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from mutualaid.core.categories import Category, Language
from mutualaid.core.forms import DecimalNumberField
from mutualaid.groups.services import GroupProfile


class DirectoryForm(forms.Form):
    q = forms.CharField(
        label=_("Postal code, neighbourhood, town or coordinates"), required=False, max_length=200
    )
    category = forms.ChoiceField(
        label=_("Kind of help"), required=False, choices=[("", _("Any")), *Category.choices]
    )
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=[("", _("Any")), *Language.choices]
    )


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Group name"), max_length=100)
    slug = forms.CharField(
        label=_("Short name for links"),
        max_length=50,
        required=False,
        help_text=_("Lowercase letters, digits and dashes. Left empty, it is made from the name."),
    )
    description = forms.CharField(
        label=_("What the group does"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    centre_lat = DecimalNumberField(label=_("Centre latitude"), required=False, min_value=-90, max_value=90)
    centre_lon = DecimalNumberField(
        label=_("Centre longitude"), required=False, min_value=-180, max_value=180
    )
    radius_km = DecimalNumberField(label=_("Radius (km)"), min_value=0.1, max_value=500, initial=5)
    postal_codes = forms.CharField(
        label=_("Postal codes served"), required=False, max_length=3000, help_text=_("Separated by commas.")
    )
    categories = forms.MultipleChoiceField(
        label=_("Kinds of help"),
        required=False,
        choices=Category.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"), required=False, choices=Language.choices, widget=forms.CheckboxSelectMultiple
    )
    contact = forms.CharField(
        label=_("How to reach us"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    how_to_join = forms.CharField(
        label=_("How to join"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    listed = forms.BooleanField(
        label=_("List the group in the public directory"), required=False, initial=True
    )
    accepts_requests = forms.BooleanField(
        label=_("People may ask to join (a coordinator approves)"), required=False
    )

    def profile(self) -> GroupProfile:
        data = self.cleaned_data
        return GroupProfile(
            name=data["name"],
            slug=data.get("slug") or "",
            description=data.get("description") or "",
            centre_lat=data.get("centre_lat"),
            centre_lon=data.get("centre_lon"),
            radius_km=data.get("radius_km") or 5.0,
            postal_codes=(data.get("postal_codes") or "").split(","),
            categories=list(data.get("categories") or []),
            languages=list(data.get("languages") or []),
            contact=data.get("contact") or "",
            how_to_join=data.get("how_to_join") or "",
            listed=bool(data.get("listed")),
            accepts_requests=bool(data.get("accepts_requests")),
        )

    @classmethod
    def initial_for(cls, group) -> dict:  # type: ignore[no-untyped-def, type-arg]
        return {
            "name": group.name,
            "slug": group.slug,
            "description": group.description,
            "centre_lat": group.centre_lat,
            "centre_lon": group.centre_lon,
            "radius_km": group.radius_km,
            "postal_codes": ", ".join(group.postal_codes),
            "categories": group.categories,
            "languages": group.languages,
            "contact": group.contact,
            "how_to_join": group.how_to_join,
            "listed": group.listed,
            "accepts_requests": group.accepts_requests,
        }


class AreaForm(forms.Form):
    name = forms.CharField(label=_("Neighbourhood"), max_length=100)
    postal_code = forms.CharField(label=_("Postal code (optional)"), max_length=12, required=False)
    lat = DecimalNumberField(label=_("Latitude"), min_value=-90, max_value=90)
    lon = DecimalNumberField(label=_("Longitude"), min_value=-180, max_value=180)


class SetupForm(GroupForm):
    code = forms.CharField(
        label=_("Setup code"),
        max_length=40,
        help_text=_("Printed where the server started, or by `mutualaid setup-code`."),
    )
    username = forms.CharField(label=_("Your username"), max_length=40)
    password = forms.CharField(
        label=_("Your password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        max_length=200,
    )
    display_name = forms.CharField(label=_("Your display name"), max_length=60)
    language = forms.ChoiceField(label=_("Your language"), choices=Language.choices)
    field_order = ["code", "username", "password", "display_name", "language", "name", "slug", "description"]
