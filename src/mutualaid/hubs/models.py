"""Hubs: shared places of a group (community fridges, pantries, free stores, drop-off points), their
opening hours and closures, and the condition reports anyone files from a phone.

A public hub is a public place: its street address is stored in the clear and shown to everyone. A
members-only hub keeps its address sealed and its location coarse (the centre of a ~0.7 km² cell).
The hub keeps a copy of its latest report (when, condition, food level) so lists sort and show
freshness without reading the reports.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mutualaid.core.classification import COARSE, PUBLIC
from mutualaid.core.fields import EncryptedTextField


class HubKind(models.TextChoices):
    FRIDGE = "fridge", _("Community fridge")
    PANTRY = "pantry", _("Pantry")
    FREE_STORE = "free_store", _("Free store")
    DROP_OFF = "drop_off", _("Drop-off point")


class Condition(models.TextChoices):
    GOOD = "good", pgettext_lazy("hub condition", "Good")
    NEEDS_CLEANING = "cleaning", _("Needs cleaning")
    NEEDS_REPAIR = "repair", _("Needs repair")
    NOT_THERE = "gone", _("Not there")


class FoodLevel(models.IntegerChoices):
    EMPTY = 0, _("Empty")
    LOW = 1, _("A little")
    HALF = 2, _("Half full")
    MOSTLY = 3, _("Mostly full")
    FULL = 4, _("Full")


class Hub(models.Model):
    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="hubs")
    kind = models.CharField(_("kind"), max_length=12, choices=HubKind.choices, default=HubKind.FRIDGE)
    # Sealed like every text people type; a list decrypts only the names it shows.
    name = EncryptedTextField(_("name"), max_length=100, blank=False)
    public = models.BooleanField(_("public (anyone may find it and report on it)"), default=True)
    # A public hub's street address is public by nature; a members-only hub's is sealed (`sealed_address`).
    street_address = models.CharField(_("street address"), max_length=200, blank=True)
    sealed_address = EncryptedTextField(_("exact address (members-only hubs)"), max_length=200)
    area = models.CharField(_("neighbourhood or postal code"), max_length=80, blank=True)
    cell = models.CharField(max_length=20, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    # {"0": ["09:00-17:00"], …, "6": []} by weekday (Monday 0); {} is open all the time.
    hours = models.JSONField(_("opening hours"), default=dict, blank=True)
    accessibility = EncryptedTextField(_("accessibility (steps, lighting, seating…)"), max_length=500)
    takes = EncryptedTextField(_("what it takes"), max_length=500)
    refuses = EncryptedTextField(_("what it does not take"), max_length=500)
    restock_category = models.CharField(_("category of restock needs"), max_length=20, default="food")
    restock_quantity = models.PositiveIntegerField(_("quantity asked in a restock need"), default=1)
    restock_unit = EncryptedTextField(_("unit of a restock need"), max_length=30)
    # The neighbour record restock needs are held for on the board (a hub posts without a member).
    restock_contact = models.ForeignKey(
        "exchange.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    restock_post = models.ForeignKey(
        "exchange.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_report_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_condition = models.CharField(max_length=10, choices=Condition.choices, blank=True)
    last_food_level = models.PositiveSmallIntegerField(choices=FoodLevel.choices, null=True, blank=True)

    data_classification: ClassVar = {
        **dict.fromkeys(
            ("group", "kind", "public", "hours", "active", "created_at"),
            (PUBLIC, "a group's shared place: its kind, whether it is public, its opening hours"),
        ),
        "street_address": (
            PUBLIC,
            "street address of a PUBLIC hub only (a public place); members-only hubs keep it sealed",
        ),
        "area": (COARSE, "neighbourhood or postal code of a hub"),
        "cell": (COARSE, "~0.7 km² H3 cell of a hub"),
        "lat": (PUBLIC, "point of a public hub (a public place); cell centre for members-only hubs"),
        "lon": (PUBLIC, "point of a public hub (a public place); cell centre for members-only hubs"),
        **dict.fromkeys(
            ("restock_category", "restock_quantity", "restock_contact", "restock_post"),
            (PUBLIC, "what a hub asks for on the board when it runs empty, and its current restock need"),
        ),
        **dict.fromkeys(
            ("last_report_at", "last_condition", "last_food_level"),
            (PUBLIC, "when a hub was last checked and what was found (never by whom)"),
        ),
    }

    class Meta:
        ordering: ClassVar = ["pk"]
        indexes: ClassVar = [
            # "Nearest first" reads these columns of every active public hub (a covering index).
            models.Index(fields=["public", "active", "lat", "lon", "group"], name="hub_place"),
        ]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(restock_quantity__gte=1), name="hub_restock_quantity_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name or ""


class Closure(models.Model):
    """An exception to the weekly hours: a holiday or a closure (closed all day, or other hours)."""

    hub = models.ForeignKey(Hub, on_delete=models.CASCADE, related_name="closures")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    hours = models.JSONField(_("hours on those days (empty: closed)"), default=list, blank=True)
    reason = EncryptedTextField(_("reason (shown on the hub's page)"), max_length=100)

    data_classification: ClassVar = dict.fromkeys(
        ("hub", "starts_on", "ends_on", "hours"),
        (PUBLIC, "days a hub is closed or open other hours, and why (a holiday), shown on its page"),
    )

    class Meta:
        ordering: ClassVar = ["starts_on", "pk"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="hub_closure_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.hub_id}: {self.starts_on} to {self.ends_on}"


class Report(models.Model):
    """What someone found at a hub. Who filed it is never kept (only whether a member did)."""

    hub = models.ForeignKey(Hub, on_delete=models.CASCADE, related_name="reports")
    condition = models.CharField(_("condition"), max_length=10, choices=Condition.choices)
    food_level = models.PositiveSmallIntegerField(_("how full"), choices=FoodLevel.choices)
    note = EncryptedTextField(_("note"), max_length=280)
    # The photo as a JPEG, re-encoded without any metadata, then sealed (base64 text).
    photo = EncryptedTextField()
    by_member = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    data_classification: ClassVar = dict.fromkeys(
        ("hub", "condition", "food_level", "by_member", "created_at"),
        (PUBLIC, "a hub's condition and food level at a time, and whether a member or a passer-by said so"),
    )

    class Meta:
        ordering: ClassVar = ["-created_at", "-pk"]
        indexes: ClassVar = [models.Index(fields=["hub", "-created_at"], name="hub_report_latest")]

    def __str__(self) -> str:
        return f"{self.hub_id}: {self.condition}/{self.food_level}"


class StockItem(models.Model):
    """Something a pantry keeps (rice, diapers). Its quantity is the sum of its movements, kept in
    step with them in the same transaction."""

    hub = models.ForeignKey(Hub, on_delete=models.CASCADE, related_name="stock_items")
    name = EncryptedTextField(_("item"), max_length=80, blank=False)
    unit = EncryptedTextField(_("unit (e.g. kg, packs)"), max_length=30)
    low_at = models.PositiveIntegerField(_("tell coordinators when fewer than"), default=0)
    quantity = models.IntegerField(default=0)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    data_classification: ClassVar = dict.fromkeys(
        ("hub", "low_at", "quantity", "active", "created_at"),
        (PUBLIC, "how much of an item a pantry holds and when it counts as low"),
    )

    class Meta:
        ordering: ClassVar = ["pk"]

    def __str__(self) -> str:
        return self.name or ""


class MovementKind(models.TextChoices):
    IN = "in", _("In")
    OUT = "out", _("Out")
    COUNT = "count", _("Count")


class Movement(models.Model):
    """One change to an item's stock: in, out or a count's correction. Append-only: a mistake is
    corrected by a new movement. Who recorded it is kept; who received food never is."""

    item = models.ForeignKey(StockItem, on_delete=models.CASCADE, related_name="movements")
    kind = models.CharField(max_length=5, choices=MovementKind.choices)
    change = models.IntegerField()
    quantity_after = models.IntegerField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    data_classification: ClassVar = {
        **dict.fromkeys(
            ("item", "kind", "change", "quantity_after", "created_at"),
            (PUBLIC, "a pantry's stock going in or out, and counts"),
        ),
        "recorded_by": (PUBLIC, "which member recorded a stock movement (never who received anything)"),
    }

    class Meta:
        ordering: ClassVar = ["-created_at", "-pk"]
        constraints: ClassVar = [
            models.CheckConstraint(condition=~models.Q(change=0), name="hub_movement_changes_something"),
        ]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.change:+d}"


class PointedOffer(models.Model):
    """A member's offer pointed at a hub: "I'll bring this to the Nostrand fridge". The offer stays the
    member's own post on the board; the hub page lists what is on its way while the offer is active."""

    hub = models.ForeignKey(Hub, on_delete=models.CASCADE, related_name="pointed_offers")
    post = models.ForeignKey("exchange.Post", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    data_classification: ClassVar = dict.fromkeys(
        ("hub", "post", "created_at"),
        (
            PUBLIC,
            "which offer of the group's board is meant for which hub (members see it; the offer's words stay sealed)",
        ),
    )

    class Meta:
        ordering: ClassVar = ["-created_at", "-pk"]
        constraints: ClassVar = [
            # An offer goes to one hub at a time: pointing it elsewhere moves it.
            models.UniqueConstraint(fields=["post"], name="hub_pointed_offer_once"),
        ]

    def __str__(self) -> str:
        return f"{self.post_id} → {self.hub_id}"
