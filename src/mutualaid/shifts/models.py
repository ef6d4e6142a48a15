"""Shifts: recurring volunteer work (a series with an RFC 5545 rule), its occurrences, roles with
slots, sign-ups with an ordered waitlist, attendance and outcomes; private calendar feeds.

Times: a series keeps its start as a wall-clock time in its time zone (the group's, or
MUTUALAID_TIME_ZONE); each occurrence is stored in UTC, computed from the local date and time, so a
daylight-saving change never moves a weekly 10:00 shift.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mutualaid.core.classification import PUBLIC, SECRET
from mutualaid.core.fields import BlindIndexField, EncryptedTextField
from mutualaid.members.models import Skill


def default_time_zone() -> str:
    return str(settings.TIME_ZONE)


class SeriesKind(models.TextChoices):
    SHIFT = "shift", _("Shift")
    SKILL_SHARE = "skillshare", _("Skill-share")


class Series(models.Model):
    """A recurring shift, or a skill-share: sessions where a member (the lead: the teacher) teaches and
    other members take seats (one role, "seat"), with the same waitlist, reminders and attendance. A
    plain member's skill-share is a proposal (inactive, not approved) until a coordinator approves it."""

    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="shift_series")
    title = EncryptedTextField(_("title"), max_length=100, blank=False)
    area = models.CharField(_("place (hub or neighbourhood, shown to members)"), max_length=100, blank=True)
    address = EncryptedTextField(_("exact address (shown to people signed up only)"), blank=True, default="")
    rule = models.CharField(_("repeats (RFC 5545 rule)"), max_length=200, default="FREQ=WEEKLY")
    starts_on = models.DateField(_("first day"))
    start_time = models.TimeField(_("starts at"))
    duration_minutes = models.PositiveIntegerField(_("length (minutes)"), default=120)
    time_zone = models.CharField(_("time zone"), max_length=64, default=default_time_zone)
    until = models.DateField(_("last day"), null=True, blank=True)
    exdates = models.JSONField(_("days skipped"), default=list, blank=True)
    alert_hours = models.JSONField(
        _("tell coordinators of open slots (hours before)"), default=list, blank=True
    )
    remind_hours = models.PositiveSmallIntegerField(
        _("remind volunteers (hours before, 0: never)"), default=24
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    active = models.BooleanField(default=True)
    kind = models.CharField(_("kind"), max_length=12, choices=SeriesKind.choices, default=SeriesKind.SHIFT)
    description = EncryptedTextField(_("what the session is about"), max_length=2000, blank=True, default="")
    approved = models.BooleanField(default=True)  # False: a member's skill-share proposal, waiting
    public = models.BooleanField(
        _(
            "Publish to the group's followers on the fediverse (only the title, date, time, area and description)"
        ),
        default=False,
    )
    materialised_until = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    data_classification: ClassVar = {
        **dict.fromkeys(
            (
                "group",
                "area",
                "rule",
                "starts_on",
                "start_time",
                "duration_minutes",
                "time_zone",
                "until",
                "exdates",
                "alert_hours",
                "remind_hours",
                "active",
                "materialised_until",
                "created_at",
            ),
            (PUBLIC, "a group's recurring shift: title, coarse place and schedule, chosen by the group"),
        ),
        "lead": (PUBLIC, "which member leads a recurring shift (a skill-share's teacher)"),
        **dict.fromkeys(
            ("kind", "approved", "public"),
            (PUBLIC, "shift or skill-share, proposal approved, published to the fediverse"),
        ),
    }

    class Meta:
        ordering: ClassVar = ["pk"]  # titles are sealed: sort them in Python where a list needs it

    def __str__(self) -> str:
        return self.title or ""


class ShiftRole(models.Model):
    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="roles")
    name = models.CharField(_("role"), max_length=60)
    slots = models.PositiveSmallIntegerField(_("people needed"), default=1)
    note = EncryptedTextField(_("what the role needs (skill, experience)"), max_length=200)
    skill = models.CharField(_("skill required"), max_length=20, choices=Skill.choices, blank=True)
    # Staffing rule: cancel the occurrence when fewer than `cancel_below` are signed up
    # `cancel_hours` hours before it starts (0: no rule).
    cancel_below = models.PositiveSmallIntegerField(_("cancel if fewer than"), default=0)
    cancel_hours = models.PositiveSmallIntegerField(_("hours before"), default=0)

    data_classification: ClassVar = dict.fromkeys(
        ("series", "name", "slots", "skill", "cancel_below", "cancel_hours"),
        (PUBLIC, "a shift's roles, slots, required skill and staffing rules, chosen by the group"),
    )

    class Meta:
        ordering: ClassVar = ["pk"]

    def __str__(self) -> str:
        return self.name


class OccurrenceStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")


class Occurrence(models.Model):
    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="occurrences")
    # The start the rule gave (RFC 5545 RECURRENCE-ID), so a one-off change keeps its identity.
    recurrence_id = models.DateTimeField()
    starts_at = models.DateTimeField(db_index=True)
    ends_at = models.DateTimeField()
    status = models.CharField(
        max_length=12, choices=OccurrenceStatus.choices, default=OccurrenceStatus.SCHEDULED
    )
    overridden = models.BooleanField(default=False)  # changed by hand: the rule no longer moves it
    alerts_sent = models.JSONField(default=list, blank=True)
    skill_calls = models.JSONField(default=list, blank=True)  # roles whose skill was called on (ids)
    reminded = models.BooleanField(default=False)
    cancel_checked = models.BooleanField(default=False)
    households_served = models.PositiveIntegerField(_("households served"), null=True, blank=True)
    kilograms = models.PositiveIntegerField(_("kg distributed"), null=True, blank=True)
    items = models.PositiveIntegerField(_("items distributed"), null=True, blank=True)
    notes = EncryptedTextField(_("notes"), blank=True, default="")
    outcome_recorded_at = models.DateTimeField(null=True, blank=True)

    data_classification: ClassVar = {
        **dict.fromkeys(
            (
                "series",
                "recurrence_id",
                "starts_at",
                "ends_at",
                "status",
                "overridden",
                "alerts_sent",
                "skill_calls",
                "reminded",
                "cancel_checked",
            ),
            (PUBLIC, "when a group's shift happens and whether it was cancelled"),
        ),
        **dict.fromkeys(
            ("households_served", "kilograms", "items", "outcome_recorded_at"),
            (PUBLIC, "counts of what a shift did (households served, amounts), never who"),
        ),
    }

    class Meta:
        ordering: ClassVar = ["starts_at", "pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["series", "recurrence_id"], name="shifts_one_occurrence_per_start"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="shifts_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.series.title} {self.starts_at:%Y-%m-%d %H:%M}"


class SignupState(models.TextChoices):
    CONFIRMED = "confirmed", _("Signed up")
    WAITLISTED = "waitlisted", _("On the waitlist")
    DROPPED = "dropped", _("Dropped out")


class Standing(models.Model):
    """ "Every time until…": a member's standing sign-up for a role of a series."""

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="standings")
    role = models.ForeignKey(ShiftRole, on_delete=models.CASCADE, related_name="standings")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    until = models.DateField(_("until"))
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    data_classification: ClassVar = dict.fromkeys(
        ("series", "role", "user", "until", "active", "created_at"),
        (PUBLIC, "which member signed up for a recurring shift until when"),
    )

    def __str__(self) -> str:
        return f"{self.series_id}/{self.role_id} until {self.until}"


class Signup(models.Model):
    occurrence = models.ForeignKey(Occurrence, on_delete=models.CASCADE, related_name="signups")
    role = models.ForeignKey(ShiftRole, on_delete=models.CASCADE, related_name="signups")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shift_signups")
    state = models.CharField(max_length=12, choices=SignupState.choices, default=SignupState.CONFIRMED)
    standing = models.ForeignKey(Standing, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)  # the waitlist is ordered by it
    attended = models.BooleanField(null=True, blank=True)

    data_classification: ClassVar = {
        **dict.fromkeys(
            ("occurrence", "role", "user", "state", "standing", "created_at"),
            (PUBLIC, "which member signed up for which shift, and their place on a waitlist"),
        ),
        "attended": (PUBLIC, "whether a volunteer came (coordinators only; never shown to members)"),
    }

    class Meta:
        ordering: ClassVar = ["created_at", "pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["occurrence", "user"],
                condition=models.Q(state__in=["confirmed", "waitlisted"]),
                name="shifts_one_signup_per_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.occurrence_id}/{self.role_id}: {self.state}"


class Swap(models.Model):
    """A member asks another to take their place; the other accepts (or not)."""

    signup = models.ForeignKey(Signup, on_delete=models.CASCADE, related_name="swaps")
    to_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    accepted = models.BooleanField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    data_classification: ClassVar = dict.fromkeys(
        ("signup", "to_user", "accepted", "created_at"),
        (PUBLIC, "a member asked another to take their shift"),
    )

    def __str__(self) -> str:
        return f"swap of {self.signup_id}"


class CalendarFeed(models.Model):
    """A member's private iCalendar feed: the URL carries a random token; only its digest is kept."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shift_feed")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    data_classification: ClassVar = {
        "user": (PUBLIC, "which member has a calendar feed"),
        "digest": (SECRET, "SHA-256 of the feed's secret token"),
        "created_at": (PUBLIC, "when a member made their feed link"),
    }

    def __str__(self) -> str:
        return f"feed of {self.user_id}"


# Distribution days with time slots ----------------------------------------------------------------


class DistributionDay(models.Model):
    """A pantry or free-store day where neighbours book a time slot instead of queueing outside.

    The day is cut into slots of `slot_minutes`, each for `households_per_slot` households. A booking
    not checked in `grace_minutes` after its slot starts is released, and the first person waiting for
    that slot is told to come.
    """

    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="distribution_days")
    title = EncryptedTextField(_("title"), max_length=100, blank=False)
    area = models.CharField(_("place (hub or neighbourhood, shown to members)"), max_length=100, blank=True)
    address = EncryptedTextField(_("exact address (shown to people with a booking)"), blank=True, default="")
    date = models.DateField(_("day"))
    first_slot = models.TimeField(_("first slot starts at"))
    slot_minutes = models.PositiveSmallIntegerField(_("slot length (minutes)"), default=15)
    slot_count = models.PositiveSmallIntegerField(_("number of slots"), default=8)
    households_per_slot = models.PositiveSmallIntegerField(_("households per slot"), default=4)
    grace_minutes = models.PositiveSmallIntegerField(
        _("release a booking not checked in after (minutes)"), default=15
    )
    remind_hours = models.PositiveSmallIntegerField(_("remind (hours before, 0: never)"), default=3)
    time_zone = models.CharField(_("time zone"), max_length=64, default=default_time_zone)
    cancelled = models.BooleanField(default=False)
    public = models.BooleanField(
        _(
            "Publish to the group's followers on the fediverse (only the title, date, time, area and description)"
        ),
        default=False,
    )
    created_at = models.DateTimeField(default=timezone.now)

    data_classification: ClassVar = dict.fromkeys(
        (
            "group",
            "area",
            "date",
            "first_slot",
            "slot_minutes",
            "slot_count",
            "households_per_slot",
            "grace_minutes",
            "remind_hours",
            "time_zone",
            "cancelled",
            "public",
            "created_at",
        ),
        (PUBLIC, "a group's distribution day: coarse place, day and slot plan, chosen by the group"),
    )

    class Meta:
        ordering: ClassVar = ["date", "pk"]

    def __str__(self) -> str:
        return f"{self.title} {self.date}"


class DaySlot(models.Model):
    day = models.ForeignKey(DistributionDay, on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    capacity = models.PositiveSmallIntegerField()
    reminded = models.BooleanField(default=False)
    released = models.BooleanField(default=False)  # the no-show release has run for this slot

    data_classification: ClassVar = dict.fromkeys(
        ("day", "starts_at", "ends_at", "capacity", "reminded", "released"),
        (PUBLIC, "a time slot of a distribution day and how many households it takes"),
    )

    class Meta:
        ordering: ClassVar = ["starts_at", "pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["day", "starts_at"], name="shifts_one_slot_per_start"),
        ]

    def __str__(self) -> str:
        return f"slot {self.starts_at:%H:%M} of {self.day_id}"


class BookingState(models.TextChoices):
    BOOKED = "booked", _("Booked")
    WAITING = "waiting", _("Waiting")
    CHECKED_IN = "checked_in", _("Came")
    WALK_IN = "walk_in", _("Walk-in")
    RELEASED = "released", _("Did not come (released)")
    CANCELLED = "cancelled", _("Cancelled")


HOLDS_PLACE = ("booked", "checked_in", "walk_in")  # the states that count against a slot's capacity


class BookingSource(models.TextChoices):
    WEB = "web", _("On the web")
    COORDINATOR = "coordinator", _("By a coordinator")
    SMS = "sms", _("By text message")
    WALK_IN = "walk_in", _("Walk-in")


class SlotBooking(models.Model):
    """A household's place in a slot. A member books as themselves; a neighbour without an account
    (booked by a coordinator, or by text message) is known by a sealed name and number only."""

    slot = models.ForeignKey(DaySlot, on_delete=models.CASCADE, related_name="bookings")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    name = EncryptedTextField(_("name"), max_length=100)
    phone = EncryptedTextField(_("phone"), max_length=32)
    phone_index = BlindIndexField()
    language = models.CharField(max_length=8, default="en")
    state = models.CharField(max_length=12, choices=BookingState.choices, default=BookingState.BOOKED)
    source = models.CharField(max_length=12, choices=BookingSource.choices, default=BookingSource.WEB)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)  # the waiting line is ordered by it
    changed_at = models.DateTimeField(default=timezone.now)
    reminded = models.BooleanField(default=False)

    data_classification: ClassVar = {
        **dict.fromkeys(
            ("slot", "user", "state", "source", "booked_by", "created_at", "changed_at", "reminded"),
            (
                PUBLIC,
                "which household (member, or sealed neighbour) holds a place in a slot, and whether they came",
            ),
        ),
        "language": (PUBLIC, "the language a neighbour is written to in"),
    }

    class Meta:
        ordering: ClassVar = ["created_at", "pk"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=~models.Q(state="walk_in") | models.Q(source="walk_in"),
                name="shifts_walk_in_source",
            ),
        ]

    def __str__(self) -> str:
        return f"booking {self.pk} in {self.slot_id}: {self.state}"
