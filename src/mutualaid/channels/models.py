"""E-mail and SMS: gateways, people texting in, messages in and out, preferences, broadcasts, check-ins.

Phone numbers, e-mail addresses and message bodies are sealed (EncryptedTextField); phone numbers are
found again through a blind index. Inbound messages are remembered only by a keyed digest of the
gateway's id and content, long enough to drop a gateway's retries.
"""

from __future__ import annotations

import secrets
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mutualaid.core.classification import COARSE, PUBLIC, SECRET
from mutualaid.core.fields import BlindIndexField, EncryptedTextField


class GatewayKind(models.TextChoices):
    TWILIO = "twilio", _("Twilio")
    ANDROID = "android", _("SMS Gateway for Android")
    GENERIC = "generic", _("Generic webhook")


class Gateway(models.Model):
    """One SMS gateway of one group. Credentials are sealed; the webhook URL names the group and kind."""

    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="sms_gateways")
    kind = models.CharField(max_length=16, choices=GatewayKind.choices)
    enabled = models.BooleanField(default=True)
    # Twilio: account SID + auth token (signs webhooks, authenticates the REST API) + sending number.
    # Android: the webhook signing key + the phone's API URL, username and password.
    # Generic: the shared secret + an outbound URL.
    account = EncryptedTextField(_("account SID or username"))
    secret = EncryptedTextField(_("auth token, signing key or shared secret"))
    api_password = EncryptedTextField(_("API password"))
    api_url = EncryptedTextField(_("API URL for sending"))
    sender = EncryptedTextField(_("sending number"))
    rate_per_minute = models.PositiveIntegerField(_("messages per minute"), default=30)
    # Token bucket for outbound messages, refilled continuously at rate_per_minute.
    tokens = models.FloatField(default=0)
    tokens_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    data_classification = {
        "group": (PUBLIC, "which group uses the gateway"),
        "kind": (PUBLIC, "which kind of gateway"),
        "enabled": (PUBLIC, "whether the gateway is used"),
        "rate_per_minute": (PUBLIC, "outbound rate limit"),
        "tokens": (PUBLIC, "rate limiter state"),
        "tokens_at": (PUBLIC, "rate limiter state"),
        "created_at": (PUBLIC, "when the gateway was configured"),
    }

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint("group", "kind", name="one_gateway_of_a_kind_per_group")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.group})"


class Contact(models.Model):
    """Someone who texts a group's number, with or without an account. Found again by blind index."""

    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="sms_contacts")
    phone = EncryptedTextField(_("phone"))
    phone_index = BlindIndexField()
    language = models.CharField(max_length=8, default="en")
    opted_out = models.BooleanField(default=False)
    broadcasts = models.BooleanField(default=False)  # opted in with NEWS / NOTICIAS
    # Where the keyword conversation stands ("need:area"…) and the answers so far (sealed).
    step = models.CharField(max_length=32, blank=True)
    draft = EncryptedTextField()
    checkin_for = models.ForeignKey(
        "IntakeRequest", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The same neighbour on the board (found by the same blind index); the number itself is sealed
    # only here, in `phone`, the address the group's SMS gateway writes to.
    person = models.ForeignKey(
        "exchange.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="sms_contacts"
    )
    gateway = models.ForeignKey(Gateway, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    last_message_on = models.DateField(default=timezone.localdate)
    # The conversation (of a claim on one of their requests) their plain replies go to: the last one a
    # member wrote in, or the one they chose by starting a text with its code (channels.relay).
    relay_to = models.ForeignKey(
        "IntakeRequest", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    data_classification = {
        "group": (PUBLIC, "which group someone texted"),
        "language": (PUBLIC, "language of the conversation"),
        "opted_out": (PUBLIC, "the person replied STOP"),
        "broadcasts": (PUBLIC, "whether the person gets group announcements"),
        "step": (PUBLIC, "where the keyword conversation stands"),
        "checkin_for": (PUBLIC, "which request a check-in question is about"),
        "gateway": (PUBLIC, "which gateway the person last used"),
        "person": (PUBLIC, "the same neighbour's record on the board"),
        "last_message_on": (COARSE, "day of the last message"),
        "relay_to": (PUBLIC, "which request's conversation the person's replies go to"),
    }

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint("group", "phone_index", name="one_contact_per_phone_per_group")
        ]

    def __str__(self) -> str:
        return f"contact {self.pk} of {self.group_id}"


class InboundMessage(models.Model):
    """A message a gateway delivered, kept only as a digest so the gateway's retries are dropped."""

    gateway = models.ForeignKey(Gateway, on_delete=models.CASCADE, related_name="inbound")
    dedupe_key = models.CharField(max_length=64)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)

    data_classification = {
        "gateway": (PUBLIC, "which gateway received a message"),
        "dedupe_key": (SECRET, "keyed digest of the gateway's message id and content"),
        "received_at": (PUBLIC, "when (kept a few days to drop retries)"),
    }

    class Meta:
        constraints: ClassVar = [models.UniqueConstraint("gateway", "dedupe_key", name="inbound_once")]

    def __str__(self) -> str:
        return f"inbound {self.pk}"


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")


class OutboundMessage(models.Model):
    """One e-mail or SMS waiting for the queue, sent, or given up on."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped")

    channel = models.CharField(max_length=8, choices=Channel.choices)
    kind = models.CharField(max_length=32)
    group = models.ForeignKey(
        "groups.Group", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    gateway = models.ForeignKey(Gateway, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    broadcast = models.ForeignKey(
        "Broadcast", null=True, blank=True, on_delete=models.CASCADE, related_name="messages"
    )
    recipient = EncryptedTextField()
    subject = EncryptedTextField()
    body = EncryptedTextField()
    unsubscribe_url = EncryptedTextField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # When a worker claimed it (status "sending"): a claim much older than any send can take means
    # the worker died mid-send (see services.outbound_reap).
    sending_since = models.DateTimeField(null=True, blank=True)
    # The id the gateway gave the message when it took it (Twilio's SID, the Android app's id), so its
    # delivery reports find it and it is never handed over a second time.
    gateway_message_id = models.CharField(max_length=64, blank=True, db_index=True)

    data_classification = {
        "channel": (PUBLIC, "e-mail or SMS"),
        "kind": (PUBLIC, "what kind of message (claim, reminder, broadcast…)"),
        "group": (PUBLIC, "which group sent it"),
        "gateway": (PUBLIC, "which gateway sent it"),
        "user": (PUBLIC, "which member it was for"),
        "contact": (PUBLIC, "which texting contact it was for"),
        "broadcast": (PUBLIC, "which broadcast it belongs to"),
        "status": (PUBLIC, "delivery state"),
        "attempts": (PUBLIC, "delivery attempts"),
        "created_at": (PUBLIC, "when it was queued (purged after the retention period)"),
        "sent_at": (PUBLIC, "when it was sent"),
        "sending_since": (PUBLIC, "when a worker started sending it"),
        "gateway_message_id": (PUBLIC, "the gateway's id for the message (no number, no text)"),
    }

    class Meta:
        ordering: ClassVar = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.channel} {self.kind} {self.pk} ({self.status})"

    def ref(self) -> str:
        """Our id for the message at the gateway: the same on every attempt, so a gateway that keeps
        ids (the Android app, a generic bridge) recognises a second request for the same message."""
        return f"mutualaid-{self.pk}"


class Mode(models.TextChoices):
    IMMEDIATELY = "now", _("Immediately")
    DIGEST = "digest", _("Daily digest")
    NEVER = "never", _("Never")


class NotificationPreference(models.Model):
    """How a member wants to hear about things, per channel; plus whether they want group broadcasts."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email = models.CharField(_("by e-mail"), max_length=8, choices=Mode.choices, default=Mode.IMMEDIATELY)
    sms = models.CharField(_("by SMS"), max_length=8, choices=Mode.choices, default=Mode.NEVER)
    broadcasts = models.BooleanField(_("announcements from my groups"), default=False)

    data_classification = {
        "user": (PUBLIC, "whose preferences"),
        "email": (PUBLIC, "how often to e-mail"),
        "sms": (PUBLIC, "how often to text"),
        "broadcasts": (PUBLIC, "whether the member wants group announcements"),
    }

    def __str__(self) -> str:
        return f"preferences of {self.user_id}"


class DigestItem(models.Model):
    """A notification held back for a member's daily digest."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    kind = models.CharField(max_length=32)
    text = EncryptedTextField()
    created_at = models.DateTimeField(default=timezone.now)

    data_classification = {
        "user": (PUBLIC, "who will get the digest"),
        "channel": (PUBLIC, "e-mail or SMS"),
        "kind": (PUBLIC, "kind of notification"),
        "created_at": (PUBLIC, "when it happened"),
    }

    def __str__(self) -> str:
        return f"digest item {self.pk}"


class Broadcast(models.Model):
    """A coordinator's announcement to the members and texting contacts who opted in."""

    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="broadcasts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = EncryptedTextField(_("message"))
    created_at = models.DateTimeField(default=timezone.now)
    email_count = models.PositiveIntegerField(default=0)
    sms_count = models.PositiveIntegerField(default=0)
    # Marked public by the coordinator: also published to the group's fediverse followers.
    public = models.BooleanField(_("public"), default=False)

    data_classification = {
        "public": (PUBLIC, "whether the announcement was published beyond the group"),
        "group": (PUBLIC, "which group announced"),
        "author": (PUBLIC, "which coordinator announced"),
        "created_at": (PUBLIC, "when"),
        "email_count": (PUBLIC, "how many e-mails were queued"),
        "sms_count": (PUBLIC, "how many SMS were queued"),
    }

    class Meta:
        ordering: ClassVar = ["-created_at"]

    def __str__(self) -> str:
        return f"broadcast {self.pk} of {self.group_id}"


def new_code() -> str:
    # No 0/O/1/I: people read these codes aloud and type them on keypads.
    return "".join(secrets.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(5))


class IntakeKind(models.TextChoices):
    NEED = "need", _("Need")
    OFFER = "offer", _("Offer")


class Urgency(models.TextChoices):
    """The SMS answers 1/2/3; "anytime" is the board's "flexible"."""

    TODAY = "today", _("Today")
    WEEK = "week", _("This week")
    ANYTIME = "anytime", _("Whenever")


class IntakeRequest(models.Model):
    """The SMS side of a need or offer that lives on the board as an `exchange.Post`.

    The post holds what was asked or offered and its life cycle (status, expiry, history); this row
    holds only what the text conversation needs: the short code people quote, who to text (or e-mail)
    back, their language, and when they were last asked whether they still need help.
    """

    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="sms_requests")
    post = models.OneToOneField("exchange.Post", on_delete=models.CASCADE, related_name="sms_intake")
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.CASCADE, related_name="requests"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    language = models.CharField(max_length=8, default="en")
    code = models.CharField(max_length=8, default=new_code, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    checkin_sent_at = models.DateTimeField(null=True, blank=True)
    # Asked at intake for goods a driver may bring: may the group text "your driver is on the way"?
    # None: not asked (an offer, a need that is not goods, or a request from before the question).
    text_on_way = models.BooleanField(null=True, blank=True)

    data_classification = {
        "group": (PUBLIC, "which group the request went to"),
        "post": (PUBLIC, "the need or offer on the board"),
        "contact": (PUBLIC, "which texting contact made it"),
        "user": (PUBLIC, "which member made it"),
        "language": (PUBLIC, "language of the requester"),
        "code": (PUBLIC, "short reference the requester can quote"),
        "created_at": (PUBLIC, "when it was made"),
        "checkin_sent_at": (PUBLIC, "when the last check-in was sent"),
        "text_on_way": (PUBLIC, "whether they agreed to a text when a delivery driver sets out"),
    }

    class Meta:
        ordering: ClassVar = ["-created_at"]

    def __str__(self) -> str:
        return f"sms request {self.code}"


class Notice(models.Model):
    """Something a member was told, kept for them inside the app (the notices inbox): one row per
    member per event, whatever e-mail or SMS did. What it is about (names and titles) is sealed and put
    into words when shown, in the language of the page; in the clear are only its kind, the link to the
    object and whether it was read."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=32)
    context = EncryptedTextField()  # JSON of the notice's placeholders: group, name, title
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    data_classification = {
        "user": (PUBLIC, "who was told"),
        "kind": (PUBLIC, "kind of notification (claim, message, match…)"),
        "url": (PUBLIC, "link to the object it is about (group slug and ids, no names)"),
        "created_at": (PUBLIC, "when it happened"),
        "read_at": (PUBLIC, "when the member read it"),
    }

    class Meta:
        ordering: ClassVar = ["-created_at", "-pk"]
        indexes: ClassVar = [
            # The header's count of unread notices, on every page: one index-only count.
            models.Index(fields=["user", "read_at"], name="notice_user_unread"),
        ]

    def __str__(self) -> str:
        return f"notice {self.pk}"
