"""Peer installs: other mutualaid servers an operator linked on purpose, the groups they list, referrals
of unmet needs between them, and the signed messages that carry those referrals.

A peer is a server, never a person: its address and public key are public. A referral's coarse form
(category, area cell, urgency, quantity, window) is what the directory would show anyway; the words of
the need and the neighbour's contact reach the other server only after one of its coordinators accepted,
encrypted to that server's key, and are sealed there with its own key ring.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mutualaid.core.categories import Category
from mutualaid.core.classification import COARSE, PUBLIC
from mutualaid.core.fields import EncryptedTextField


class InstallKey(models.Model):
    """This install's key pair for talking to its peers (one row; the private half sealed)."""

    public_key_pem = models.TextField()
    private_key_pem = EncryptedTextField()
    created_at = models.DateTimeField(default=timezone.now)

    data_classification: ClassVar = {
        "public_key_pem": (PUBLIC, "the install's public key, published for its peers"),
        "created_at": (PUBLIC, "when the key pair was made"),
    }

    def __str__(self) -> str:
        return f"install key {self.pk}"


class PeerState(models.TextChoices):
    LINKED = "linked", _("Linked")
    UNLINKED = "unlinked", _("Unlinked")


class Peer(models.Model):
    """Another install, linked by this install's operator after comparing key fingerprints."""

    url = models.URLField(max_length=300, unique=True)  # its public address (MUTUALAID_PUBLIC_URL)
    key_id = models.CharField(max_length=400, unique=True)
    public_key_pem = models.TextField()
    fingerprint = models.CharField(max_length=100)
    state = models.CharField(max_length=10, choices=PeerState.choices, default=PeerState.LINKED)
    linked_at = models.DateTimeField(default=timezone.now)
    unlinked_at = models.DateTimeField(null=True, blank=True)
    directory_fetched_at = models.DateTimeField(null=True, blank=True)

    data_classification: ClassVar = {
        "url": (PUBLIC, "the address of another server"),
        "key_id": (PUBLIC, "the other server's key id"),
        "public_key_pem": (PUBLIC, "the other server's public key"),
        "fingerprint": (PUBLIC, "the fingerprint operators compare"),
        "state": (PUBLIC, "linked or unlinked"),
        "linked_at": (PUBLIC, "when it was linked"),
        "unlinked_at": (PUBLIC, "when it was unlinked"),
        "directory_fetched_at": (PUBLIC, "when its directory was last fetched"),
    }

    class Meta:
        ordering: ClassVar = ["url"]

    def __str__(self) -> str:
        return self.url


class PeerGroup(models.Model):
    """A group a linked peer lists in its public directory, as last fetched (public data only)."""

    peer = models.ForeignKey(Peer, on_delete=models.CASCADE, related_name="groups")
    slug = models.SlugField(max_length=50)
    name = models.CharField(max_length=100)
    description = models.TextField(max_length=2000, blank=True)
    postal_codes = models.JSONField(default=list, blank=True)
    categories = models.JSONField(default=list, blank=True)
    languages = models.JSONField(default=list, blank=True)
    url = models.URLField(max_length=400)
    fetched_at = models.DateTimeField(default=timezone.now)

    data_classification = dict.fromkeys(
        (
            "peer",
            "slug",
            "name",
            "description",
            "postal_codes",
            "categories",
            "languages",
            "url",
            "fetched_at",
        ),
        (PUBLIC, "a listed group's public profile on another server"),
    )

    class Meta:
        ordering: ClassVar = ["name"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["peer", "slug"], name="peers_one_group_per_slug")
        ]

    def __str__(self) -> str:
        return self.name


class Direction(models.TextChoices):
    OUT = "out", _("Referred by us")
    IN = "in", _("Referred to us")


class ReferralState(models.TextChoices):
    OFFERED = "offered", _("Offered")
    ACCEPTED = "accepted", _("Accepted, details on their way")
    REFERRED = "referred", _("Referred")
    DECLINED = "declined", _("Declined")
    RETURNED = "returned", _("Returned")


LIVE_STATES = (ReferralState.OFFERED, ReferralState.ACCEPTED)


class Referral(models.Model):
    """One referral of a need, as each side sees it: `out` on the referring install, `in` on the other.

    Both rows share `uid`. Until acceptance the `in` row holds only the coarse form; `details` and
    `contact` are filled (sealed) when the referring install sends them after acceptance.
    """

    uid = models.UUIDField(default=uuid.uuid4)
    direction = models.CharField(max_length=3, choices=Direction.choices)
    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="referrals")
    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="referrals")
    post = models.ForeignKey(
        "exchange.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="referrals"
    )
    other_slug = models.SlugField(max_length=50)  # the group on the other side
    other_name = models.CharField(max_length=100)
    category = models.CharField(max_length=20, choices=Category.choices)
    cell = models.CharField(max_length=20, blank=True)
    urgency = models.CharField(max_length=10)
    quantity = models.PositiveIntegerField(default=1)
    window_start = models.DateTimeField(null=True, blank=True)
    window_end = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=ReferralState.choices, default=ReferralState.OFFERED)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        "members.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Only on the receiving side, only after acceptance: the need's words and the neighbour's contact
    # (JSON), sealed with this install's key ring.
    details = EncryptedTextField()
    contact = EncryptedTextField()

    data_classification: ClassVar = {
        "uid": (PUBLIC, "the referral's id on both servers"),
        "direction": (PUBLIC, "referred by this install or to it"),
        "peer": (PUBLIC, "which server is on the other side"),
        "group": (PUBLIC, "which group here"),
        "post": (PUBLIC, "which need was referred"),
        "other_slug": (PUBLIC, "which group on the other server"),
        "other_name": (PUBLIC, "that group's public name"),
        "category": (COARSE, "the need's category"),
        "cell": (COARSE, "the need's coarse area cell"),
        "urgency": (COARSE, "how urgent"),
        "quantity": (COARSE, "how many"),
        "window_start": (COARSE, "from when"),
        "window_end": (COARSE, "until when"),
        "state": (PUBLIC, "offered, accepted, referred, declined or returned"),
        "created_at": (COARSE, "when it was offered"),
        "expires_at": (COARSE, "when an unanswered offer returns"),
        "decided_at": (COARSE, "when it was accepted or declined"),
        "decided_by": (PUBLIC, "which coordinator decided"),
    }

    class Meta:
        ordering: ClassVar = ["-created_at", "-pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["peer", "uid", "direction"], name="peers_one_referral_per_side")
        ]

    def __str__(self) -> str:
        return f"referral {self.uid} ({self.direction})"


class ReferralEvent(models.Model):
    """The history of a referral on this side: who did what, when (never the need's words)."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20)
    actor = models.ForeignKey(
        "members.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    data_classification: ClassVar = {
        "referral": (PUBLIC, "which referral"),
        "action": (PUBLIC, "what happened"),
        "actor": (PUBLIC, "which coordinator, if any"),
        "at": (COARSE, "when"),
    }

    class Meta:
        ordering: ClassVar = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.action} of {self.referral_id}"


class MessageState(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENT = "sent", _("Delivered")
    GAVE_UP = "gave_up", _("Given up")


class Message(models.Model):
    """A signed message to a peer's inbox, sent by the worker with retries and backoff."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True)
    peer = models.ForeignKey(Peer, on_delete=models.CASCADE, related_name="messages")
    referral = models.ForeignKey(
        Referral, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    kind = models.CharField(max_length=10)
    # The JSON as sent; sealed (a details message carries them encrypted to the peer already).
    body = EncryptedTextField()
    state = models.CharField(max_length=10, choices=MessageState.choices, default=MessageState.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    give_up_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    data_classification: ClassVar = {
        "uid": (PUBLIC, "the message id (a retry is recognised by it)"),
        "peer": (PUBLIC, "which server"),
        "referral": (PUBLIC, "which referral it is about"),
        "kind": (PUBLIC, "offer, accept, decline, details, withdraw or unlink"),
        "state": (PUBLIC, "waiting, delivered or given up"),
        "attempts": (PUBLIC, "tries so far"),
        "next_attempt_at": (PUBLIC, "when the next try is due"),
        "give_up_at": (PUBLIC, "when it is given up"),
        "sent_at": (PUBLIC, "when it was delivered"),
    }

    class Meta:
        indexes: ClassVar = [models.Index(fields=["state", "next_attempt_at"], name="peers_due")]

    def __str__(self) -> str:
        return f"{self.kind} message {self.pk}"


class SeenMessage(models.Model):
    """A message already handled: a retried delivery is answered without doing it twice."""

    peer = models.ForeignKey(Peer, on_delete=models.CASCADE, related_name="+")
    uid = models.UUIDField()
    received_at = models.DateTimeField(default=timezone.now)

    data_classification: ClassVar = {
        "peer": (PUBLIC, "which server sent it"),
        "uid": (PUBLIC, "the message id"),
        "received_at": (COARSE, "when it arrived"),
    }

    class Meta:
        constraints: ClassVar = [models.UniqueConstraint(fields=["peer", "uid"], name="peers_seen_once")]

    def __str__(self) -> str:
        return f"seen {self.uid}"
