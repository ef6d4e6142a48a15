"""Lending library: things of a group that come back (a drill, a car seat, a stroller), each unique.

An item belongs to the group, or stays its lender's (a member's own ladder lent through the group).
Every request is a `Loan` row that moves WAITING → READY (held for that member) → OUT (handed over)
→ RETURNED, or ends CANCELLED. The waitlist is the WAITING rows of an item in order of request. A
partial unique constraint keeps at most one READY or OUT loan per item: two members asking for the
last free item at once cannot both get it, whatever the code above the database does.
No deposits, no fees: nothing here counts money.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mutualaid.core.classification import PUBLIC
from mutualaid.core.fields import EncryptedTextField


class ItemCondition(models.TextChoices):
    GOOD = "good", pgettext_lazy("lent item condition", "Good")
    WORN = "worn", _("Worn but works")
    NEEDS_REPAIR = "repair", _("Needs repair")


class Item(models.Model):
    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="lending_items")
    name = EncryptedTextField(_("name"), max_length=100, blank=False)
    description = EncryptedTextField(
        _("description (size, what comes with it, how to use it)"), max_length=1000
    )
    condition = models.CharField(
        _("condition"), max_length=10, choices=ItemCondition.choices, default=ItemCondition.GOOD
    )
    # A member's own item lent through the group: they keep ownership and record hand-overs themselves.
    lender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="lending_items",
        verbose_name=_("lender"),
    )
    loan_days = models.PositiveSmallIntegerField(_("loan length in days"), default=14)
    in_circulation = models.BooleanField(_("in circulation"), default=True)
    # A photo of the item as a JPEG, re-encoded by core.photos without any metadata, then sealed.
    photo = EncryptedTextField(blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    data_classification: ClassVar = {
        **dict.fromkeys(
            ("group", "condition", "loan_days", "in_circulation", "created_at"),
            (PUBLIC, "a thing the group lends: its condition, loan length and whether it is lent at all"),
        ),
        "lender": (PUBLIC, "the member who owns an item lent through the group (members see it)"),
    }

    class Meta:
        ordering: ClassVar = ["pk"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(loan_days__gte=1, loan_days__lte=365), name="lending_loan_days_range"
            ),
        ]

    def __str__(self) -> str:
        return self.name or ""


class LoanState(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    READY = "ready", _("Held for pick-up")
    OUT = "out", _("On loan")
    RETURNED = "returned", pgettext_lazy("loan state", "Returned")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATES = (LoanState.WAITING, LoanState.READY, LoanState.OUT)
HOLDING_STATES = (LoanState.READY, LoanState.OUT)


class Loan(models.Model):
    """One member's request for an item, from the waitlist to its return."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="loans")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lending_loans"
    )
    state = models.CharField(max_length=10, choices=LoanState.choices, default=LoanState.WAITING)
    requested_at = models.DateTimeField(default=timezone.now)
    ready_at = models.DateTimeField(null=True, blank=True)
    lent_at = models.DateTimeField(null=True, blank=True)
    due_on = models.DateField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # Who recorded the hand-over and the return (a coordinator or the lender).
    lent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    returned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reminded_before = models.BooleanField(default=False)
    reminded_after = models.BooleanField(default=False)

    data_classification: ClassVar = {
        **dict.fromkeys(
            (
                "item",
                "member",
                "state",
                "requested_at",
                "ready_at",
                "lent_at",
                "due_on",
                "closed_at",
                "lent_by",
                "returned_to",
                "reminded_before",
                "reminded_after",
            ),
            (
                PUBLIC,
                "who asked for, holds or held a lent thing and when (coordinators and the lender see it); "
                "closed loans go after the retention period",
            ),
        ),
    }

    class Meta:
        ordering: ClassVar = ["requested_at", "pk"]
        indexes: ClassVar = [models.Index(fields=["item", "state", "requested_at"], name="lending_waitlist")]
        constraints: ClassVar = [
            # The item is held for or lent to one member at a time.
            models.UniqueConstraint(
                fields=["item"],
                condition=models.Q(state__in=["ready", "out"]),
                name="lending_one_holder_per_item",
            ),
            # One open request per member and item.
            models.UniqueConstraint(
                fields=["item", "member"],
                condition=models.Q(state__in=["waiting", "ready", "out"]),
                name="lending_one_open_request",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id}:{self.member_id}:{self.state}"


class Repair(models.Model):
    """A repair log entry: what was wrong or done, and the condition after."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="repairs")
    note = EncryptedTextField(_("what was wrong or what was done"), max_length=500, blank=False)
    condition = models.CharField(_("condition after"), max_length=10, choices=ItemCondition.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    data_classification: ClassVar = {
        **dict.fromkeys(
            ("item", "condition", "recorded_by", "created_at"),
            (PUBLIC, "a repair log entry of a lent thing: when, by whom, the condition after"),
        ),
    }

    class Meta:
        ordering: ClassVar = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.item_id}:{self.created_at:%Y-%m-%d}"
