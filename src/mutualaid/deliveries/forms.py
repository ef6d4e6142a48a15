"""Forms of the coordinator's run page. Times are hours of the run's day, in the site's time zone."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mutualaid.core.forms import DateField, DecimalNumberField
from mutualaid.deliveries.models import NAME_MAX

_TIME = forms.TimeInput(attrs={"type": "time"})


def at(day: date, hour: time | None) -> datetime | None:
    return None if hour is None else timezone.make_aware(datetime.combine(day, hour))


def consent(choice: str) -> bool | None:
    """The stop form's text choice: None lets the neighbour's own answer by text decide."""
    return {"yes": True, "no": False}.get(choice)


class RunForm(forms.Form):
    date = DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))


class DepotForm(forms.Form):
    name = forms.CharField(label=_("Name (hub, pantry…)"), max_length=NAME_MAX)
    area = forms.CharField(label=_("Area or postal code"), max_length=100, required=False)
    lat = DecimalNumberField(label=_("Latitude"), required=False)
    lon = DecimalNumberField(label=_("Longitude"), required=False)
    address = forms.CharField(label=_("Exact address (sealed)"), max_length=300, required=False)
    exact_point = forms.CharField(
        label=_("Exact map point: latitude, longitude (sealed; used only with exact routing)"),
        max_length=60,
        required=False,
    )


class DriverForm(forms.Form):
    member = forms.TypedChoiceField(label=_("Member"), coerce=int)
    capacity = forms.IntegerField(label=_("Vehicle capacity (units)"), min_value=1, max_value=100_000)
    depot = forms.TypedChoiceField(label=_("Starts at"), coerce=int)
    end_depot = forms.TypedChoiceField(label=_("Ends at"), coerce=int, required=False, empty_value=None)
    shift_start = forms.TimeField(label=_("Available from"), required=False, widget=_TIME)
    shift_end = forms.TimeField(label=_("Available until"), required=False, widget=_TIME)
    max_duration_min = forms.IntegerField(
        label=_("Longest route (minutes)"), required=False, min_value=10, max_value=24 * 60
    )

    def __init__(
        self, *args: Any, members: list[tuple[int, str]], depots: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = members  # type: ignore[attr-defined]
        self.fields["depot"].choices = depots  # type: ignore[attr-defined]
        self.fields["end_depot"].choices = [("", _("Same as start")), *depots]  # type: ignore[attr-defined]


class StopForm(forms.Form):
    post = forms.TypedChoiceField(label=_("Need to deliver, or offer to pick up"), coerce=int)
    quantity = forms.IntegerField(
        label=_("Quantity (blank: the post's)"), required=False, min_value=0, max_value=100_000
    )
    service_min = forms.IntegerField(label=_("Minutes at the door"), initial=5, min_value=0, max_value=240)
    window_start = forms.TimeField(label=_("Window from"), required=False, widget=_TIME)
    window_end = forms.TimeField(label=_("Window until"), required=False, widget=_TIME)
    door_note = forms.CharField(label=_("Door notes (sealed)"), max_length=500, required=False)
    exact_point = forms.CharField(
        label=_("Exact map point: latitude, longitude (sealed; used only with exact routing)"),
        max_length=60,
        required=False,
    )
    text_on_way = forms.ChoiceField(
        label=_("A text from the group's number when the driver sets out (neighbours without an account)"),
        choices=[
            ("", _("As the neighbour answered when they texted in (no answer: no text)")),
            ("yes", _("Yes: the neighbour agreed")),
            ("no", _("No text")),
        ],
        required=False,
        help_text=_("In the language they texted in; the driver never sees the number."),
    )

    def __init__(self, *args: Any, needs: list[tuple[int, str]], **kwargs: Any) -> None:
        # Its own ids: the run page also shows the depot form, whose exact point would share "id_exact_point".
        kwargs.setdefault("auto_id", "stop_%s")
        super().__init__(*args, **kwargs)
        self.fields["post"].choices = needs  # type: ignore[attr-defined]


class StopEditForm(forms.Form):
    """A stop after it was added. The door notes are sealed: never shown back, only replaced or removed."""

    quantity = forms.IntegerField(label=_("Quantity"), min_value=0, max_value=100_000)
    service_min = forms.IntegerField(label=_("Minutes at the door"), min_value=0, max_value=240)
    window_start = forms.TimeField(label=_("Window from"), required=False, widget=_TIME)
    window_end = forms.TimeField(label=_("Window until"), required=False, widget=_TIME)
    text_on_way = forms.ChoiceField(
        label=_("A text from the group's number when the driver sets out (neighbours without an account)"),
        choices=[("yes", _("Yes: the neighbour agreed")), ("no", _("No text"))],
        help_text=_("In the language they texted in; the driver never sees the number."),
    )
    door_note = forms.CharField(
        label=_("New door notes (sealed; leave blank to keep the current ones)"),
        max_length=500,
        required=False,
    )
    remove_door_note = forms.BooleanField(label=_("Remove the door notes"), required=False)
    exact_point = forms.CharField(
        label=_("Correct exact map point: latitude, longitude (sealed; leave blank to keep the current one)"),
        help_text=_("For when the address was placed wrong on the map. Used only with exact routing."),
        max_length=60,
        required=False,
    )
    remove_exact_point = forms.BooleanField(label=_("Remove the exact map point"), required=False)


class SettingsForm(forms.Form):
    exact_routing = forms.BooleanField(
        label=_("Route on the stops' exact map points (each read is audited; they never leave this server)"),
        required=False,
    )
    max_leg_min = forms.IntegerField(
        label=_("Longest leg to a door, in minutes (hot meals; blank: no limit)"),
        required=False,
        min_value=1,
        max_value=240,
    )
    relay_phone = forms.CharField(
        label=_("The group's phone number drivers call or text about a stop"), max_length=30, required=False
    )


class ReportForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=[
            ("delivered", _("Delivered")),
            ("nobody_home", _("Nobody home")),
            ("failed", _("Couldn't deliver")),
        ]
    )
    note = forms.CharField(label=_("Reason"), max_length=500, required=False)
