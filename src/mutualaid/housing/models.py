"""Housing offers: spare rooms, couches and short stays that members offer, and the stays coordinators
arrange from them.

Nothing here is ever on the public board or shown to other members: an offer is seen by its host and
the group's coordinators; a stay by those and its guest. The host's rules and the exact address are
sealed. A stay is proposed by one coordinator, agreed by the host and confirmed by a SECOND, different
coordinator (the two-person rule); only then does the guest learn the address.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mutualaid.core.classification import PUBLIC
from mutualaid.core.fields import EncryptedTextField


class OfferKind(models.TextChoices):
    ROOM = "room", _("Spare room")
    COUCH = "couch", _("Couch")
    SHORT_STAY = "short_stay", _("Short stay")


class StayState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    CONFIRMED = "confirmed", _("Arranged")
    ENDED = "ended", _("Ended")
    CANCELLED = "cancelled", _("Cancelled")


LIVE_STATES = (StayState.PROPOSED, StayState.CONFIRMED)
FINAL_STATES = (StayState.ENDED, StayState.CANCELLED)


class Offer(models.Model):
    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="housing_offers")
    host = models.ForeignKey("members.User", on_delete=models.CASCADE, related_name="housing_offers")
    kind = models.CharField(_("kind"), max_length=12, choices=OfferKind.choices, default=OfferKind.ROOM)
    max_nights = models.PositiveSmallIntegerField(_("most nights at a time"), default=3)
    # The host's rules, in their own words: sealed like every text people type.
    who = EncryptedTextField(_("who you can host"), max_length=500)
    accessibility = EncryptedTextField(_("accessibility (stairs, bathroom…)"), max_length=500)
    pets = EncryptedTextField(_("pets (yours, and guests' pets)"), max_length=300)
    languages = EncryptedTextField(_("languages spoken at home"), max_length=200)
    address = EncryptedTextField(_("exact address"), max_length=300, blank=False)
    active = models.BooleanField(_("still offered"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    data_classification: ClassVar = {
        **dict.fromkeys(
            ("group", "host", "kind", "max_nights", "active", "created_at"),
            (PUBLIC, "that a member offers a place to stay (coordinators only): its kind and longest stay"),
        ),
    }

    class Meta:
        ordering: ClassVar = ["pk"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(max_nights__gte=1, max_nights__lte=365), name="housing_offer_nights"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class Stay(models.Model):
    """A guest's stay at an offer, for a housing need of the board."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="stays")
    need = models.ForeignKey(
        "exchange.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    guest = models.ForeignKey(
        "members.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="housing_stays"
    )
    starts_on = models.DateField(_("first night"))
    ends_on = models.DateField(_("leaves on"))
    state = models.CharField(max_length=10, choices=StayState.choices, default=StayState.PROPOSED)
    proposed_by = models.ForeignKey(
        "members.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    host_agreed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        "members.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    checkin_every_days = models.PositiveSmallIntegerField(_("check in every (days)"), default=2)
    last_checkin_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True, db_index=True)

    data_classification: ClassVar = {
        **dict.fromkeys(
            (
                "offer",
                "need",
                "guest",
                "starts_on",
                "ends_on",
                "state",
                "proposed_by",
                "host_agreed_at",
                "confirmed_by",
                "confirmed_at",
                "checkin_every_days",
                "last_checkin_at",
                "reminded_at",
                "created_at",
                "closed_at",
            ),
            (
                PUBLIC,
                "who stays with whom and when, and which coordinators arranged it "
                "(purged after the retention period once the stay ends)",
            ),
        ),
    }

    class Meta:
        ordering: ClassVar = ["-pk"]
        constraints: ClassVar = [
            # One live stay per offer: a place is not promised twice.
            models.UniqueConstraint(
                fields=["offer"], condition=models.Q(state__in=LIVE_STATES), name="housing_one_live_stay"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="housing_dates"
            ),
            models.CheckConstraint(
                condition=~models.Q(state="confirmed")
                | (
                    models.Q(confirmed_by__isnull=False, host_agreed_at__isnull=False)
                    & ~models.Q(confirmed_by=models.F("proposed_by"))
                ),
                name="housing_two_person_rule",
            ),
        ]

    def __str__(self) -> str:
        return f"stay #{self.pk}"


class CheckIn(models.Model):
    """A coordinator checked on a stay: all well, or not (with a sealed note)."""

    stay = models.ForeignKey(Stay, on_delete=models.CASCADE, related_name="checkins")
    recorded_by = models.ForeignKey(
        "members.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    all_well = models.BooleanField(_("all well"), default=True)
    note = EncryptedTextField(_("note"), max_length=500)

    data_classification: ClassVar = {
        **dict.fromkeys(
            ("stay", "recorded_by", "at", "all_well"),
            (PUBLIC, "when a coordinator checked on a stay and whether all was well"),
        ),
    }

    class Meta:
        ordering: ClassVar = ["-at"]

    def __str__(self) -> str:
        return f"check-in #{self.pk}"
