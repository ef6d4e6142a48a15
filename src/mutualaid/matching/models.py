"""Matching rounds: a coordinator (or the daily schedule) asks the engine for proposals, decides on them,
and both sides answer. A pair either side declined (or a coordinator rejected) is never proposed again.

The engine only ever sees coarse cell centres (see `services.round_instance`); proposals keep only
what a coordinator needs to judge them: units, distance between cell centres, score and reasons.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mutualaid.core.classification import PUBLIC


class Schedule(models.TextChoices):
    OFF = "off", _("Only when a coordinator runs a round")
    DAILY = "daily", _("Every day")


class MatchingSettings(models.Model):
    """Per-group matching settings; no row means the defaults (no scheduled rounds)."""

    group = models.OneToOneField("groups.Group", on_delete=models.CASCADE, related_name="matching_settings")
    schedule = models.CharField(
        _("scheduled rounds"), max_length=10, choices=Schedule.choices, default=Schedule.OFF
    )
    updated_at = models.DateTimeField(default=timezone.now)

    data_classification = {
        "group": (PUBLIC, "which group the settings belong to"),
        "schedule": (PUBLIC, "whether matching rounds run daily"),
        "updated_at": (PUBLIC, "when the settings changed"),
    }

    def __str__(self) -> str:
        return f"matching settings of group {self.group_id}"


class Round(models.Model):
    """One matching round. A coordinator's round is queued and run by the worker (queued → running →
    done or failed); the daily schedule's round is recorded when it is done. At most one round per
    group is queued or running (a partial unique constraint), so two clicks at once make one round."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    ACTIVE: ClassVar = (Status.QUEUED, Status.RUNNING)

    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="matching_rounds")
    started_by = models.ForeignKey(
        "members.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(default=timezone.now)
    params = models.JSONField(default=dict, blank=True)
    stats = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DONE)
    finished_at = models.DateTimeField(null=True, blank=True)

    data_classification = {
        "group": (PUBLIC, "which group ran the round"),
        "started_by": (PUBLIC, "coordinator who ran it (empty: the daily schedule)"),
        "started_at": (PUBLIC, "when"),
        "params": (PUBLIC, "engine parameters"),
        "stats": (PUBLIC, "counts and timings of the solve"),
        "status": (PUBLIC, "queued, running, done or failed"),
        "finished_at": (PUBLIC, "when the round finished (empty while queued or running)"),
    }

    class Meta:
        ordering: ClassVar = ["-started_at", "-id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["group"],
                condition=models.Q(status__in=["queued", "running"]),
                name="matching_one_active_round_per_group",
            )
        ]

    def __str__(self) -> str:
        return f"round {self.pk}"


class Proposal(models.Model):
    """One need-offer pair the engine proposed, and where it stands.

    proposed → approved (by a coordinator, possibly with fewer units) or rejected → each side answers
    → matched (both accepted: the need is assigned on the board) or declined (either side).
    Proposals still undecided when the next round runs are superseded by it.
    """

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        APPROVED = "approved", _("Waiting for both sides")
        REJECTED = "rejected", _("Rejected by a coordinator")
        MATCHED = "matched", _("Both sides accepted")
        DECLINED = "declined", _("Declined")
        SUPERSEDED = "superseded", _("Superseded by a later round")
        LAPSED = "lapsed", _("No longer open")

    class Answer(models.TextChoices):
        PENDING = "", _("No answer yet")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="proposals")
    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="+")
    need = models.ForeignKey("exchange.Post", on_delete=models.CASCADE, related_name="+")
    offer = models.ForeignKey("exchange.Post", on_delete=models.CASCADE, related_name="+")
    units = models.PositiveIntegerField()
    km = models.FloatField()
    score = models.BigIntegerField()
    reasons = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=12, choices=State.choices, default=State.PROPOSED)
    need_answer = models.CharField(max_length=10, choices=Answer.choices, default=Answer.PENDING, blank=True)
    offer_answer = models.CharField(max_length=10, choices=Answer.choices, default=Answer.PENDING, blank=True)
    decided_by = models.ForeignKey(
        "members.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    claim = models.ForeignKey(
        "exchange.Claim", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    data_classification = {
        "round": (PUBLIC, "which round proposed it"),
        "group": (PUBLIC, "which group"),
        "need": (PUBLIC, "the need proposed"),
        "offer": (PUBLIC, "the offer proposed"),
        "units": (PUBLIC, "how many units"),
        "km": (PUBLIC, "distance between the two coarse cell centres"),
        "score": (PUBLIC, "engine score"),
        "reasons": (PUBLIC, "distance, urgency and days waiting behind the proposal"),
        "state": (PUBLIC, "where the proposal stands"),
        "need_answer": (PUBLIC, "the need side's answer"),
        "offer_answer": (PUBLIC, "the offer side's answer"),
        "decided_by": (PUBLIC, "coordinator who approved or rejected it"),
        "decided_at": (PUBLIC, "when the coordinator decided"),
        "closed_at": (PUBLIC, "when it was matched, declined, superseded or lapsed"),
        "claim": (PUBLIC, "the board claim created when both sides accepted"),
    }

    OPEN_STATES = (State.PROPOSED, State.APPROVED)

    class Meta:
        ordering: ClassVar = ["-score", "id"]
        indexes: ClassVar = [
            models.Index(fields=["group", "state"], name="proposal_group_state"),
            models.Index(fields=["need", "state"], name="proposal_need_state"),
            models.Index(fields=["offer", "state"], name="proposal_offer_state"),
        ]
        constraints: ClassVar = [
            models.CheckConstraint(condition=models.Q(units__gte=1), name="proposal_units_positive"),
        ]

    def __str__(self) -> str:
        return f"proposal {self.pk}"


class DeclinedPair(models.Model):
    """A need-offer pair that must never be proposed again (a side declined, or a coordinator rejected)."""

    need = models.ForeignKey("exchange.Post", on_delete=models.CASCADE, related_name="+")
    offer = models.ForeignKey("exchange.Post", on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    data_classification = {
        "need": (PUBLIC, "the need of a declined pair"),
        "offer": (PUBLIC, "the offer of a declined pair"),
        "at": (PUBLIC, "when it was declined"),
    }

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["need", "offer"], name="declined_pair_once"),
        ]

    def __str__(self) -> str:
        return f"declined pair {self.need_id}-{self.offer_id}"
