"""Federation: each listed group's ActivityPub actor, its followers, what it published, and deliveries.

A follower's fediverse address says who follows a tenants' union: it is sealed, and found again only
through a blind index. What a group publishes was marked public on purpose by a coordinator, and the
copy kept here is sealed like every text people type.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mutualaid.core.classification import COARSE, PUBLIC
from mutualaid.core.fields import BlindIndexField, EncryptedTextField


class GroupActor(models.Model):
    """The RSA key pair a listed group signs its deliveries with (the private half sealed)."""

    group = models.OneToOneField("groups.Group", on_delete=models.CASCADE, related_name="actor")
    public_key_pem = models.TextField()
    private_key_pem = EncryptedTextField()
    created_at = models.DateTimeField(default=timezone.now)

    data_classification: ClassVar = {
        "group": (PUBLIC, "which group the actor is"),
        "public_key_pem": (PUBLIC, "the group's public key, published on its actor document"),
        "created_at": (PUBLIC, "when the key pair was made"),
    }

    def __str__(self) -> str:
        return f"actor of {self.group_id}"


class Follower(models.Model):
    """A fediverse account following a group: its actor and inbox sealed, found by a blind index."""

    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="followers")
    actor_index = BlindIndexField()
    actor_url = EncryptedTextField()
    inbox_url = EncryptedTextField()
    # The follower's server's shared inbox when it has one: one delivery per server, not per follower.
    shared_inbox_url = EncryptedTextField()
    # Where deliveries go (the shared inbox, else the inbox), as a blind index: a fan-out groups
    # followers by it and opens one sealed address per server, not one per follower.
    target_index = BlindIndexField()
    created_at = models.DateTimeField(default=timezone.now)

    data_classification: ClassVar = {
        "group": (PUBLIC, "which group is followed"),
        "created_at": (COARSE, "when someone followed"),
    }

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["group", "actor_index"], name="federation_one_follow_per_actor")
        ]

    def __str__(self) -> str:
        return f"follower {self.pk} of {self.group_id}"


class RemoteKey(models.Model):
    """A public key fetched from another server's actor, cached so each request costs no fetch."""

    key_index = BlindIndexField(unique=True)
    owner_index = BlindIndexField()
    public_key_pem = models.TextField()
    fetched_at = models.DateTimeField(default=timezone.now)

    data_classification: ClassVar = {
        "public_key_pem": (PUBLIC, "a public key another server publishes"),
        "fetched_at": (COARSE, "when it was fetched"),
    }

    def __str__(self) -> str:
        return f"remote key {self.pk}"


class SeenActivity(models.Model):
    """An incoming activity already handled: a retried or replayed delivery is recognised."""

    activity_index = BlindIndexField(unique=True)
    received_at = models.DateTimeField(default=timezone.now)

    data_classification: ClassVar = {"received_at": (COARSE, "when an activity arrived")}

    def __str__(self) -> str:
        return f"seen {self.pk}"


class Kind(models.TextChoices):
    NOTE = "note", _("Announcement")
    ACCEPT = "accept", _("Follow accepted")
    EVENT = "event", _("Event")


class Activity(models.Model):
    """Something a group sent: a public announcement (Create Note) or an Accept of a follow."""

    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    public = models.BooleanField(default=False)  # listed in the outbox (an Accept is not)
    # For events: what it is about ("shifts.day:<id>"), so a change updates the same object.
    source = models.CharField(max_length=64, blank=True, default="", db_index=True)
    # The activity exactly as sent (JSON); sealed: it is the text a coordinator typed.
    document = EncryptedTextField()
    created_at = models.DateTimeField(default=timezone.now)

    data_classification: ClassVar = {
        "group": (PUBLIC, "which group published"),
        "kind": (PUBLIC, "announcement or follow accepted"),
        "public": (PUBLIC, "whether it is in the public outbox"),
        "source": (PUBLIC, "which public event (distribution day, session) an event activity is about"),
        "created_at": (PUBLIC, "when"),
    }

    class Meta:
        ordering: ClassVar = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk} of {self.group_id}"


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENT = "sent", _("Delivered")
    GAVE_UP = "gave_up", _("Given up")


class Delivery(models.Model):
    """One activity to one inbox; retried with backoff until delivered or given up."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="deliveries")
    inbox_url = EncryptedTextField()
    host = models.CharField(max_length=255)
    state = models.CharField(max_length=16, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    give_up_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    data_classification: ClassVar = {
        "activity": (PUBLIC, "what is delivered"),
        "host": (COARSE, "which server receives it (a server, never a person)"),
        "state": (PUBLIC, "waiting, delivered or given up"),
        "attempts": (PUBLIC, "how many tries so far"),
        "next_attempt_at": (PUBLIC, "when the next try is due"),
        "give_up_at": (PUBLIC, "when a dead inbox is given up"),
        "sent_at": (PUBLIC, "when it was delivered"),
    }

    class Meta:
        indexes: ClassVar = [models.Index(fields=["state", "next_attempt_at"], name="federation_due")]

    def __str__(self) -> str:
        return f"delivery {self.pk}"
