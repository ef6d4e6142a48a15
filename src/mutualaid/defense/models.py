"""Rapid-response alerts: reports that only verifiers see, their confirmation, the broadcast to the
responders who opted in for the area, and its all-clear.

What someone reported, where exactly, when, and who they are (name or phone number) are sealed; in the
clear are only the kind of alert, its coarse area (a ~5 km² cell and the group's name for it) and its
times. Responders and verifiers cover coarse cells, never a point.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mutualaid.core.classification import COARSE, PUBLIC
from mutualaid.core.fields import BlindIndexField, EncryptedTextField
from mutualaid.defense import lifecycle

WHAT_MAX = 500
WHERE_MAX = 200
WHEN_MAX = 100
SEEN_MAX = 500
RIGHTS_MAX = 10000


class AlertKind(models.TextChoices):
    RAID = "raid", _("Immigration raid")
    EVICTION = "eviction", _("Eviction")
    POLICE = "police", _("Police action")
    DISASTER = "disaster", _("Disaster")


class Via(models.TextChoices):
    WEB = "web", _("On the web")
    SMS = "sms", _("By text message")
    HOTLINE = "hotline", _("A call to the hotline")


class State(models.TextChoices):
    REPORTED = lifecycle.REPORTED, _("Reported")
    CLAIMED = lifecycle.CLAIMED, _("Someone is going")
    CONFIRMING = lifecycle.CONFIRMING, _("Confirmed once")
    SENT = lifecycle.SENT, _("Sent")
    CLEARED = lifecycle.CLEARED, _("All clear")
    UNFOUNDED = lifecycle.UNFOUNDED, _("Unfounded")
    EXPIRED = lifecycle.EXPIRED, _("Expired")


class AlertPolicy(models.Model):
    """A group's rules for alerts and its know-your-rights page (public by design)."""

    group = models.OneToOneField("groups.Group", on_delete=models.CASCADE, related_name="alert_policy")
    one_with_evidence = models.BooleanField(
        _("one verifier with evidence may send an alert"),
        default=False,
        help_text=_("Otherwise two different verifiers must confirm before anything is sent."),
    )
    expire_hours = models.PositiveSmallIntegerField(_("alerts expire after (hours)"), default=6)
    rights_en = models.TextField(_("know your rights (English)"), max_length=RIGHTS_MAX, blank=True)
    rights_es = models.TextField(_("know your rights (Spanish)"), max_length=RIGHTS_MAX, blank=True)

    data_classification = dict.fromkeys(
        ("group", "one_with_evidence", "expire_hours", "rights_en", "rights_es"),
        (PUBLIC, "the group's rules for alerts and its public know-your-rights page"),
    )

    def __str__(self) -> str:
        return f"alert policy of {self.group_id}"


class Verifier(models.Model):
    """A member the group trusts to check reports in person before anything is sent."""

    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="verifiers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    area = models.CharField(_("area"), max_length=100, blank=True)
    radius_km = models.FloatField(_("radius (km)"), default=3.0)
    # Coarse cells (H3 resolution 7) the verifier covers; empty: the whole group.
    cells = models.JSONField(default=list, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_on = models.DateField(default=timezone.localdate)

    data_classification = {
        "group": (PUBLIC, "which group a verifier checks alerts for"),
        "user": (PUBLIC, "who is a verifier"),
        "area": (COARSE, "the area a verifier covers (a neighbourhood name)"),
        "radius_km": (COARSE, "how far around it"),
        "cells": (COARSE, "~5 km² cells the verifier covers"),
        "granted_by": (PUBLIC, "which coordinator made them a verifier"),
        "granted_on": (COARSE, "day they became a verifier"),
    }

    class Meta:
        constraints: ClassVar = [models.UniqueConstraint("group", "user", name="one_verifier_role_per_group")]

    def __str__(self) -> str:
        return f"verifier {self.user_id} of {self.group_id}"

    def covers(self, cell: str) -> bool:
        return not self.cells or not cell or cell in self.cells

    def sees(self, cell: str, verifiers: Iterable[Verifier]) -> bool:
        """Whether reports of the cell are this verifier's: its areas cover the cell, or no verifier's area
        of the group does (such a report goes to all of them, never to nobody)."""
        return self.covers(cell) or not any(v.covers(cell) for v in verifiers)


class Responder(models.Model):
    """A member who wants verified alerts for an area, by SMS and/or e-mail (always in the app)."""

    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="responders")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    area = models.CharField(_("area"), max_length=100)
    radius_km = models.FloatField(_("radius (km)"), default=3.0)
    by_sms = models.BooleanField(_("by text message"), default=True)
    by_email = models.BooleanField(_("by e-mail"), default=False)
    created_on = models.DateField(default=timezone.localdate)

    data_classification = {
        "group": (PUBLIC, "which group someone responds for"),
        "user": (PUBLIC, "who opted in to respond to alerts"),
        "area": (COARSE, "the area they respond in (a neighbourhood name)"),
        "radius_km": (COARSE, "how far around it"),
        "by_sms": (PUBLIC, "whether alerts come by SMS"),
        "by_email": (PUBLIC, "whether alerts come by e-mail"),
        "created_on": (COARSE, "day they opted in"),
    }

    class Meta:
        constraints: ClassVar = [models.UniqueConstraint("group", "user", name="one_responder_per_group")]

    def __str__(self) -> str:
        return f"responder {self.user_id} of {self.group_id}"


class ResponderCell(models.Model):
    """One coarse cell a responder covers: the index a broadcast selects its audience by."""

    responder = models.ForeignKey(Responder, on_delete=models.CASCADE, related_name="cell_rows")
    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="+")
    cell = models.CharField(max_length=20)

    data_classification = {
        "responder": (PUBLIC, "whose cell"),
        "group": (PUBLIC, "which group"),
        "cell": (COARSE, "a ~5 km² cell the responder covers"),
    }

    class Meta:
        constraints: ClassVar = [models.UniqueConstraint("responder", "cell", name="responder_cell_once")]
        indexes: ClassVar = [models.Index(fields=["group", "cell"], name="responder_cell_lookup")]

    def __str__(self) -> str:
        return self.cell


class Report(models.Model):
    """Something someone saw, reported on the web, by SMS or through the hotline; an alert once verified."""

    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="alert_reports")
    kind = models.CharField(_("what is happening"), max_length=16, choices=AlertKind.choices)
    via = models.CharField(max_length=8, choices=Via.choices, default=Via.WEB)
    state = models.CharField(max_length=12, choices=State.choices, default=State.REPORTED, db_index=True)
    # Who reported: name and number sealed, shown to verifiers only (each read audited); the key only
    # lets the service refuse a reporter's confirmation of their own report.
    reporter = EncryptedTextField(_("reported by"))
    reporter_phone = EncryptedTextField(_("reporter's phone"))
    reporter_key = BlindIndexField()
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    what = EncryptedTextField(_("what is happening"), max_length=WHAT_MAX)
    where = EncryptedTextField(_("where exactly (cross streets)"), max_length=WHERE_MAX)
    when_seen = EncryptedTextField(_("when"), max_length=WHEN_MAX)
    area = models.CharField(_("area"), max_length=100, blank=True)
    cell = models.CharField(max_length=20, blank=True)  # H3 resolution 7, what verifiers and responders cover
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    cleared_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    expires_at = models.DateTimeField()

    data_classification = {
        "group": (PUBLIC, "which group an alert report came to"),
        "kind": (PUBLIC, "kind of alert (raid, eviction, police action, disaster)"),
        "via": (PUBLIC, "how it was reported (web, SMS, hotline)"),
        "state": (PUBLIC, "where verification stands"),
        "taken_by": (PUBLIC, "which hotline volunteer took the call"),
        "area": (COARSE, "the neighbourhood (no address)"),
        "cell": (COARSE, "~5 km² cell"),
        "created_at": (PUBLIC, "when it was reported (purged after the retention period)"),
        "claimed_by": (PUBLIC, "which verifier went to look"),
        "claimed_at": (PUBLIC, "when"),
        "sent_at": (PUBLIC, "when the alert was sent"),
        "cleared_at": (PUBLIC, "when the all-clear was sent"),
        "closed_at": (PUBLIC, "when it was closed"),
        "expires_at": (PUBLIC, "when it expires"),
    }

    class Meta:
        ordering: ClassVar = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"alert report {self.pk} ({self.state})"

    @property
    def is_open(self) -> bool:
        return self.state in lifecycle.OPEN


class Confirmation(models.Model):
    """One verifier's word that they saw it. Two distinct ones send the alert (see lifecycle)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="confirmations")
    verifier = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    seen = EncryptedTextField(_("what you saw"), max_length=SEEN_MAX)
    evidence = models.BooleanField(_("I have evidence (photo or video)"), default=False)
    at = models.DateTimeField(default=timezone.now)

    data_classification = {
        "report": (PUBLIC, "which report"),
        "verifier": (PUBLIC, "which verifier confirmed it"),
        "evidence": (PUBLIC, "whether they have evidence"),
        "at": (PUBLIC, "when"),
    }

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint("report", "verifier", name="one_confirmation_per_verifier")
        ]

    def __str__(self) -> str:
        return f"confirmation of {self.report_id} by {self.verifier_id}"


class Event(models.Model):
    """A step of a report's timeline, for its verifiers (reported → claimed → verified → sent → all-clear)."""

    class What(models.TextChoices):
        REPORTED = "reported", _("Reported")
        CLAIMED = "claimed", _("A verifier is going")
        CONFIRMED = "confirmed", _("Confirmed by a verifier")
        UNFOUNDED = "unfounded", _("Found unfounded")
        SENT = "sent", _("Alert queued for responders")
        CORRECTED = "corrected", _("Correction sent")
        CLEARED = "cleared", _("All-clear sent")
        EXPIRED = "expired", _("Expired")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events")
    what = models.CharField(max_length=12, choices=What.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    note = EncryptedTextField(max_length=SEEN_MAX)  # an unfounded report's reason

    data_classification = {
        "report": (PUBLIC, "which report"),
        "what": (PUBLIC, "which step"),
        "actor": (PUBLIC, "which verifier took it"),
        "at": (PUBLIC, "when"),
    }

    class Meta:
        ordering: ClassVar = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.what} of {self.report_id}"


class Dispatch(models.Model):
    """One send to a report's responders (the alert, a correction or the all-clear) and how fast it was
    queued. The ids of the messages it queued let verifiers follow delivery; the all-clear and corrections
    go to the same people as the alert (`recipients`)."""

    class Kind(models.TextChoices):
        ALERT = "alert", _("Alert")
        CORRECTION = "correction", _("Correction")
        CLEAR = "clear", _("All-clear")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="dispatches")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    recipients = models.JSONField(default=list)  # member ids the alert went to
    message_ids = models.JSONField(default=list)  # outbound e-mail and SMS queued
    notices = models.PositiveIntegerField(default=0)
    queued_ms = models.PositiveIntegerField(default=0)
    at = models.DateTimeField(default=timezone.now)

    data_classification = {
        "report": (PUBLIC, "which alert"),
        "kind": (PUBLIC, "alert, correction or all-clear"),
        "recipients": (PUBLIC, "which members got an alert (purged with the report)"),
        "message_ids": (PUBLIC, "ids of the queued messages"),
        "notices": (PUBLIC, "how many in-app notices"),
        "queued_ms": (PUBLIC, "how long queueing took"),
        "at": (PUBLIC, "when"),
    }

    class Meta:
        ordering: ClassVar = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} of {self.report_id}"
