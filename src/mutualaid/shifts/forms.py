"""Forms for shifts. Services do the real checks; forms turn text into values and show field errors."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mutualaid.core.forms import DateField, DateTimeField
from mutualaid.members.models import Skill

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


class Repeat:
    WEEKLY = "weekly"
    BIWEEKLY = "biweekly"
    MONTHLY = "monthly"
    DAILY = "daily"
    CUSTOM = "custom"


REPEAT_CHOICES = [
    (Repeat.WEEKLY, gettext_lazy("Every week, on the first day's weekday")),
    (Repeat.BIWEEKLY, gettext_lazy("Every two weeks")),
    (Repeat.MONTHLY, gettext_lazy("Every month, on the same weekday (e.g. first Monday)")),
    (Repeat.DAILY, gettext_lazy("Every day")),
    (Repeat.CUSTOM, gettext_lazy("My own rule (RFC 5545, below)")),
]


def rule_for(repeat: str, starts_on: datetime.date, custom: str) -> str:
    day = WEEKDAYS[starts_on.weekday()]
    if repeat == Repeat.WEEKLY:
        return f"FREQ=WEEKLY;BYDAY={day}"
    if repeat == Repeat.BIWEEKLY:
        return f"FREQ=WEEKLY;INTERVAL=2;BYDAY={day}"
    if repeat == Repeat.MONTHLY:
        nth = (starts_on.day - 1) // 7 + 1
        return f"FREQ=MONTHLY;BYDAY={-1 if nth == 5 else nth}{day}"
    if repeat == Repeat.DAILY:
        return "FREQ=DAILY"
    return custom


def parse_hours(text: str) -> list[int]:
    hours = []
    for part in text.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit():
            raise forms.ValidationError(_("Whole hours separated by commas, e.g. 24, 2."))
        hours.append(int(part))
    return hours


def parse_roles(text: str) -> list[dict[str, Any]]:
    roles = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        name, sep, count = line.rpartition(":")
        if not sep or not count.strip().isdigit() or not name.strip():
            raise forms.ValidationError(_('One role a line, as "name: places", e.g. "driver: 2".'))
        roles.append({"name": name.strip(), "slots": int(count.strip())})
    if not roles:
        raise forms.ValidationError(_("A shift needs at least one role."))
    return roles


class SeriesForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=100)
    area = forms.CharField(
        label=gettext_lazy("Place (hub or neighbourhood)"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("Shown to every member of the group."),
    )
    address = forms.CharField(
        label=gettext_lazy("Exact address"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("Sealed; shown only to people signed up."),
    )
    starts_on = DateField(label=gettext_lazy("First day"), widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(
        label=gettext_lazy("Starts at"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    duration_minutes = forms.IntegerField(label=gettext_lazy("Length (minutes)"), initial=120)
    repeat = forms.ChoiceField(label=gettext_lazy("Repeats"), choices=REPEAT_CHOICES, initial=Repeat.WEEKLY)
    custom_rule = forms.CharField(
        label=gettext_lazy("Own rule"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("e.g. FREQ=WEEKLY;BYDAY=SA or FREQ=MONTHLY;BYDAY=1MO"),
    )
    until = DateField(
        label=gettext_lazy("Last day (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    time_zone = forms.CharField(label=gettext_lazy("Time zone"), max_length=64, required=False)
    alert_hours = forms.CharField(
        label=gettext_lazy("Tell coordinators of open places (hours before)"),
        max_length=60,
        required=False,
        initial="24, 2",
    )
    remind_hours = forms.IntegerField(
        label=gettext_lazy("Remind volunteers (hours before, 0: never)"),
        initial=24,
        min_value=0,
        max_value=336,
    )
    lead = forms.ChoiceField(label=gettext_lazy("Lead"), required=False)

    def __init__(self, *args: Any, members: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead"].choices = [("", "—"), *(members or [])]  # type: ignore[attr-defined]
        if not self.initial.get("time_zone"):
            self.fields["time_zone"].initial = settings.TIME_ZONE

    def clean_alert_hours(self) -> list[int]:
        return parse_hours(self.cleaned_data.get("alert_hours") or "")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("repeat") == Repeat.CUSTOM and not data.get("custom_rule"):
            self.add_error("custom_rule", _("Write the rule, or choose a repeat above."))
        if data.get("starts_on") and data.get("repeat"):
            data["rule"] = rule_for(data["repeat"], data["starts_on"], data.get("custom_rule") or "")
        return data


class NewSeriesForm(SeriesForm):
    roles = forms.CharField(
        label=gettext_lazy("Roles and places"),
        widget=forms.Textarea(attrs={"rows": 4}),
        initial="driver: 2\nsorter: 3\nlead: 1",
        help_text=gettext_lazy('One role a line, as "name: places".'),
    )

    def clean_roles(self) -> list[dict[str, Any]]:
        return parse_roles(self.cleaned_data.get("roles") or "")


class RoleForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Role"), max_length=60)
    slots = forms.IntegerField(label=gettext_lazy("People needed"), min_value=0, max_value=500, initial=1)
    note = forms.CharField(
        label=gettext_lazy("What the role needs (skill, experience)"), max_length=200, required=False
    )
    skill = forms.ChoiceField(
        label=gettext_lazy("Skill required"),
        choices=[("", "—"), *Skill.choices],
        required=False,
        help_text=gettext_lazy("Only members with this skill on their profile can sign up for the role."),
    )
    cancel_below = forms.IntegerField(
        label=gettext_lazy("Cancel the shift if fewer than this many are signed up…"),
        min_value=0,
        max_value=500,
        initial=0,
        required=False,
    )
    cancel_hours = forms.IntegerField(
        label=gettext_lazy("…this many hours before (0: no rule)"),
        min_value=0,
        max_value=336,
        initial=0,
        required=False,
    )

    def __init__(self, *args: Any, adding_to: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.adding_to = adding_to  # the series a new role goes to (its count limit); None for an edit

    def clean(self) -> dict[str, Any] | None:
        """When some fields are refused, the service's checks (services.role_errors: staffing rules and the
        model's limits; role_count_errors for a new role) are named for the others on the same page, not
        after the first ones are fixed; a valid form is checked by the service."""
        data = super().clean() or {}
        if self.errors:
            from mutualaid.shifts.models import ShiftRole
            from mutualaid.shifts.services import MAX_SLOTS, role_count_errors, role_errors

            refused = list(self.errors)
            role = ShiftRole(
                series=self.adding_to,
                name=(data.get("name") or "-").strip() or "-",
                slots=data["slots"] if data.get("slots") is not None else MAX_SLOTS,
                note=(data.get("note") or "").strip(),
                skill=data.get("skill") or "",
                cancel_below=data.get("cancel_below") or 0,
                cancel_hours=data.get("cancel_hours") or 0,
            )
            found = role_errors(role, refused=refused)
            # The count limit is another problem than a refused name: it is named beside it.
            if self.adding_to is not None:
                for name, messages in role_count_errors(self.adding_to).items():
                    found.setdefault(name, []).extend(messages)
            for name, messages in found.items():
                for message in messages:
                    self.add_error(name if name in self.fields else None, message)
        return data


class ChangeForm(forms.Form):
    starts_at = DateTimeField(
        label=gettext_lazy("Starts at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    duration_minutes = forms.IntegerField(label=gettext_lazy("Length (minutes)"))


class StandingForm(forms.Form):
    role = forms.IntegerField(widget=forms.HiddenInput)
    until = DateField(label=gettext_lazy("Every time until"), widget=forms.DateInput(attrs={"type": "date"}))


class OutcomeForm(forms.Form):
    households_served = forms.IntegerField(
        label=gettext_lazy("Households served"), min_value=0, required=False
    )
    kilograms = forms.IntegerField(label=gettext_lazy("Kilograms distributed"), min_value=0, required=False)
    items = forms.IntegerField(label=gettext_lazy("Items distributed"), min_value=0, required=False)
    notes = forms.CharField(
        label=gettext_lazy("Notes (sealed)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        required=False,
    )


# Distribution days -------------------------------------------------------------------------------


def area_field(help_text: Any) -> forms.CharField:
    """The coarse place of a day or a session: a hub or neighbourhood, shown to people."""
    return forms.CharField(
        label=gettext_lazy("Place (hub or neighbourhood)"),
        max_length=100,
        required=False,
        help_text=help_text,
    )


def address_field(help_text: Any) -> forms.CharField:
    """The exact address, sealed, shown only to the people `help_text` names."""
    return forms.CharField(
        label=gettext_lazy("Exact address"), max_length=300, required=False, help_text=help_text
    )


def skillshare_description_field() -> forms.CharField:
    return forms.CharField(
        label=gettext_lazy("About the session"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("What to bring, who it is for. Shown to members only."),
    )


class DayForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=100, initial=gettext_lazy("Pantry day"))
    area = area_field(gettext_lazy("Shown to everyone who books."))
    address = address_field(gettext_lazy("Sealed; shown only to people with a booking."))
    date = DateField(label=gettext_lazy("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    first_slot = forms.TimeField(
        label=gettext_lazy("First slot starts at"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    slot_minutes = forms.IntegerField(label=gettext_lazy("Slot length (minutes)"), initial=15)
    slot_count = forms.IntegerField(label=gettext_lazy("Number of slots"), initial=8)
    households_per_slot = forms.IntegerField(label=gettext_lazy("Households per slot"), initial=4)
    grace_minutes = forms.IntegerField(
        label=gettext_lazy("Give the place to the next person when someone is this late (minutes)"),
        initial=15,
        min_value=0,
    )
    remind_hours = forms.IntegerField(
        label=gettext_lazy("Remind people (hours before, 0: never)"), initial=3, min_value=0
    )
    time_zone = forms.CharField(label=gettext_lazy("Time zone"), max_length=64, required=False)
    public = forms.BooleanField(
        label=gettext_lazy(
            "Publish to the group's followers on the fediverse (only the title, date, time, area and description)"
        ),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.initial.get("time_zone"):
            self.fields["time_zone"].initial = settings.TIME_ZONE


class NeighbourBookingForm(forms.Form):
    slot = forms.TypedChoiceField(label=gettext_lazy("Slot"), coerce=int)
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("Sealed. A first name or a nickname is enough."),
    )
    phone = forms.CharField(
        label=gettext_lazy("Phone for a confirmation and a reminder by text (optional)"),
        max_length=32,
        required=False,
        help_text=gettext_lazy("Sealed, like every texter's number."),
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language for texts"), choices=[("en", "English"), ("es", "Español")]
    )

    def __init__(self, *args: Any, slots: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slot"].choices = slots  # type: ignore[attr-defined]


class WalkInForm(forms.Form):
    slot = forms.IntegerField(widget=forms.HiddenInput)
    name = forms.CharField(label=gettext_lazy("Name (optional)"), max_length=100, required=False)


ONCE = "once"
SKILLSHARE_REPEAT_CHOICES = [
    (ONCE, gettext_lazy("Once")),
    (Repeat.WEEKLY, gettext_lazy("Every week, on the first day's weekday")),
    (Repeat.BIWEEKLY, gettext_lazy("Every two weeks")),
    (Repeat.MONTHLY, gettext_lazy("Every month, on the same weekday (e.g. first Saturday)")),
]


class SkillShareForm(forms.Form):
    title = forms.CharField(
        label=gettext_lazy("What you will teach"),
        max_length=100,
        help_text=gettext_lazy("e.g. Repair café, English conversation, Know your rights"),
    )
    description = skillshare_description_field()
    area = area_field(gettext_lazy("Shown to every member of the group."))
    address = address_field(gettext_lazy("Sealed; shown only to people with a seat."))
    starts_on = DateField(label=gettext_lazy("First day"), widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(
        label=gettext_lazy("Starts at"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    duration_minutes = forms.IntegerField(label=gettext_lazy("Length (minutes)"), initial=90, min_value=1)
    repeat = forms.ChoiceField(label=gettext_lazy("Repeats"), choices=SKILLSHARE_REPEAT_CHOICES, initial=ONCE)
    until = DateField(
        label=gettext_lazy("Last day (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    # The range is the service's to check (with the series' fields, at once); the browser is told it too.
    seats = forms.IntegerField(
        label=gettext_lazy("Seats"), initial=10, widget=forms.NumberInput(attrs={"min": 1, "max": 200})
    )
    public = forms.BooleanField(
        label=gettext_lazy(
            "Publish to the group's followers on the fediverse (only the title, date, time, area and description)"
        ),
        required=False,
    )

    def __init__(self, *args: Any, coordinator: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not coordinator:  # only a coordinator publishes to the fediverse
            del self.fields["public"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_on") and data.get("repeat"):
            data["rule"] = (
                "FREQ=DAILY;COUNT=1"
                if data["repeat"] == ONCE
                else rule_for(data["repeat"], data["starts_on"], "")
            )
        return data


class SkillShareDescriptionForm(forms.Form):
    description = skillshare_description_field()
