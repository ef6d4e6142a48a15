"""Delivery runs: a date, depots, drivers and stops (needs to deliver), planned by ``deliveries.routing``.

The planner sees coordinates only: coarse cell centres of the needs and of the depots (never an
address). Exact addresses stay sealed on the need (``exchange.Post.address``) and on the depot, and
are decrypted only for the assigned driver's view on the day of the run, each reveal audited.
Outcome reasons and door notes are typed by people, so they are encrypted.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mutualaid.core.classification import COARSE, PUBLIC
from mutualaid.core.fields import EncryptedTextField

NAME_MAX = 60


class DeliveryRun(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PLANNED = "planned", _("Planned")
        PUBLISHED = "published", _("Published")

    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="delivery_runs")
    date = models.DateField(_("date"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey("members.User", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    planned_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    plan_stats = models.JSONField(default=dict, blank=True)
    # The coordinator's choice, per run: route on the stops' exact map points (sealed on the stop,
    # decrypted in memory for the solve, each read audited, never sent off this machine) instead of
    # coarse cell centres.
    exact_routing = models.BooleanField(_("route on exact map points"), default=False)
    # Hot meals: the longest a leg reaching a delivery may take (minutes), or no limit.
    max_leg_min = models.PositiveIntegerField(_("longest leg to a door (minutes)"), null=True, blank=True)
    # The group's own number drivers call or text about a stop (never the recipient's); sealed.
    relay_phone = EncryptedTextField(_("group's phone number for drivers"), max_length=30)

    data_classification = {
        "group": (PUBLIC, "which group runs the deliveries"),
        "date": (PUBLIC, "day of the run"),
        "status": (PUBLIC, "draft, planned or published"),
        "created_by": (PUBLIC, "coordinator who set the run up"),
        "created_at": (PUBLIC, "when"),
        "planned_at": (PUBLIC, "when it was last planned"),
        "published_at": (PUBLIC, "when drivers were given their routes"),
        "plan_stats": (PUBLIC, "solver counts and timings"),
        "exact_routing": (PUBLIC, "whether the coordinator chose exact-point routing"),
        "max_leg_min": (PUBLIC, "longest leg to a door the coordinator allows"),
    }

    class Meta:
        ordering: ClassVar = ["-date", "-id"]

    def __str__(self) -> str:
        return f"delivery run {self.pk} on {self.date}"


class Depot(models.Model):
    """Where routes start and end: a hub, a pantry, a member's place."""

    run = models.ForeignKey(DeliveryRun, on_delete=models.CASCADE, related_name="depots")
    name = EncryptedTextField(_("name"), max_length=NAME_MAX, blank=False)
    address = EncryptedTextField(_("exact address"))
    area = models.CharField(_("area"), max_length=100, blank=True)
    lat = models.FloatField()
    lon = models.FloatField()
    # "lat,lon" of the depot's door, for runs routed on exact points; sealed like the address.
    exact_point = EncryptedTextField(_("exact map point (lat, lon)"), max_length=60)

    data_classification = {
        "run": (PUBLIC, "which run"),
        "area": (COARSE, "postal code or neighbourhood name"),
        "lat": (COARSE, "centre of the coarse cell"),
        "lon": (COARSE, "centre of the coarse cell"),
    }

    def __str__(self) -> str:
        return self.name or ""


class Driver(models.Model):
    run = models.ForeignKey(DeliveryRun, on_delete=models.CASCADE, related_name="drivers")
    member = models.ForeignKey("members.User", on_delete=models.CASCADE, related_name="delivery_drives")
    capacity = models.PositiveIntegerField(_("vehicle capacity"))
    depot = models.ForeignKey(Depot, on_delete=models.CASCADE, related_name="+")
    end_depot = models.ForeignKey(Depot, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    shift_start = models.DateTimeField(_("available from"), null=True, blank=True)
    shift_end = models.DateTimeField(_("available until"), null=True, blank=True)
    max_duration_min = models.PositiveIntegerField(_("longest route (minutes)"), null=True, blank=True)

    data_classification = {
        "run": (PUBLIC, "which run"),
        "member": (PUBLIC, "which member drives"),
        "capacity": (PUBLIC, "how much the vehicle carries"),
        "depot": (PUBLIC, "where the route starts"),
        "end_depot": (PUBLIC, "where the route ends"),
        "shift_start": (PUBLIC, "hours the driver gave"),
        "shift_end": (PUBLIC, "hours the driver gave"),
        "max_duration_min": (PUBLIC, "longest route the driver accepts"),
    }

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["run", "member"], name="delivery_driver_once"),
            models.CheckConstraint(condition=models.Q(capacity__gte=1), name="delivery_capacity_positive"),
        ]

    def __str__(self) -> str:
        return f"driver {self.pk}"


class Stop(models.Model):
    class Outcome(models.TextChoices):
        PENDING = "pending", _("To do")
        DELIVERED = "delivered", _("Delivered")
        NOBODY_HOME = "nobody_home", _("Nobody home")
        FAILED = "failed", _("Couldn't deliver")

    run = models.ForeignKey(DeliveryRun, on_delete=models.CASCADE, related_name="stops")
    post = models.ForeignKey("exchange.Post", on_delete=models.CASCADE, related_name="delivery_stops")
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    service_min = models.PositiveIntegerField(_("minutes at the door"), default=5)
    window_start = models.DateTimeField(_("from"), null=True, blank=True)
    window_end = models.DateTimeField(_("until"), null=True, blank=True)
    door_note = EncryptedTextField(_("door notes"))
    locked_to = models.ForeignKey(Driver, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    driver = models.ForeignKey(Driver, null=True, blank=True, on_delete=models.SET_NULL, related_name="stops")
    sequence = models.PositiveIntegerField(default=0)
    eta = models.DateTimeField(null=True, blank=True)
    unrouted_reason = models.CharField(max_length=200, blank=True)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, default=Outcome.PENDING)
    outcome_note = EncryptedTextField(_("reason"))
    outcome_at = models.DateTimeField(null=True, blank=True)
    # "lat,lon" of the door, typed by a coordinator for exact routing; sealed like the address.
    exact_point = EncryptedTextField(_("exact map point (lat, lon)"), max_length=60)
    started_at = models.DateTimeField(null=True, blank=True)
    # The neighbour the need is held for has no account and agreed (to the coordinator who added the
    # stop) to a text from the group's number when the driver sets out; when that text was queued.
    text_on_way = models.BooleanField(_("text the neighbour when the driver sets out"), default=False)
    texted_at = models.DateTimeField(null=True, blank=True)
    # A pickup whose goods go to one named stop of the run (same route, pickup first) instead of
    # the end depot: "deliver this pickup to that stop".
    deliver_to = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="delivered_from"
    )

    data_classification = {
        "run": (PUBLIC, "which run"),
        "post": (PUBLIC, "which need is delivered"),
        "deliver_to": (PUBLIC, "the stop a pickup's goods are taken to"),
        "quantity": (PUBLIC, "how much"),
        "service_min": (PUBLIC, "minutes planned at the door"),
        "window_start": (PUBLIC, "start of the recipient's window"),
        "window_end": (PUBLIC, "end of the recipient's window"),
        "locked_to": (PUBLIC, "driver a coordinator fixed the stop to"),
        "driver": (PUBLIC, "driver the plan gave the stop to"),
        "sequence": (PUBLIC, "place in the route"),
        "eta": (PUBLIC, "planned arrival"),
        "unrouted_reason": (PUBLIC, "why the planner could not route it"),
        "outcome": (PUBLIC, "delivered, nobody home or couldn't deliver"),
        "outcome_at": (PUBLIC, "when the driver reported"),
        "started_at": (PUBLIC, "when the driver set out toward it"),
        "text_on_way": (PUBLIC, "the neighbour without an account agreed to an on-the-way text"),
        "texted_at": (PUBLIC, "when the on-the-way text to the neighbour was queued"),
    }

    class Meta:
        ordering: ClassVar = ["sequence", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["run", "post"], name="delivery_stop_once"),
        ]

    def __str__(self) -> str:
        return f"stop {self.pk}"

    @property
    def recipient_told(self) -> bool:
        """Whether "on my way" reached the recipient: a text to a neighbour without an account, or a member's
        own notice. A neighbour who did not agree to a text, or whose group has no gateway, was not told."""
        if self.started_at is None:
            return False
        if self.texted_at is not None:
            return True
        return self.post.contact_id is None and self.post.author_id is not None

    @property
    def is_pickup(self) -> bool:
        """A stop at an offer's place: its goods are picked up and carried to the end depot."""
        return bool(self.post.kind == "offer")


class StopPointChange(models.Model):
    """A coordinator set, replaced or removed a stop's exact map point (the address geocoded wrong): who and
    when, never the point itself (the audit of a sealed field's change; shown on the stop's change page)."""

    stop = models.ForeignKey(Stop, on_delete=models.CASCADE, related_name="point_changes")
    by = models.ForeignKey("members.User", null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    removed = models.BooleanField(default=False)

    data_classification = {
        "stop": (PUBLIC, "which stop's exact map point changed"),
        "by": (PUBLIC, "the coordinator who changed it (audit trail)"),
        "at": (PUBLIC, "when"),
        "removed": (PUBLIC, "whether the point was removed rather than set (never the point itself)"),
    }

    class Meta:
        ordering: ClassVar = ["-at", "-id"]

    def __str__(self) -> str:
        return f"point change {self.pk}"
