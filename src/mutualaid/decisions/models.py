"""Collective decisions: a proposal with a decision rule (consent, consensus, majority, score, ranked
choice, time poll), its frozen electorate, the ballots, and the outcome with its tally; a group's
decision policy (the bounds for proposals and which changes need a passed proposal).

Anonymous proposals store ballots with no voter: only the electorate row says that someone voted, and
a ballot can be changed only with the receipt its voter was given (the server keeps its hash). Ballots
carry no timestamps, and their keys are random, so their order says nothing about who voted when.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mutualaid.core.classification import PUBLIC, SECRET
from mutualaid.core.fields import EncryptedTextField
from mutualaid.decisions import rules


class Kind(models.TextChoices):
    CONSENT = rules.CONSENT, _("Consent: passes unless someone objects")
    CONSENSUS = rules.CONSENSUS, _("Consensus: passes with enough agreement and no block")
    MAJORITY = rules.MAJORITY, _("Vote: passes with a majority of yes")
    SCORE = rules.SCORE, _("Score: -2 to +2, passes when the sum is zero or more")
    RANKED = rules.RANKED, _("Ranked choice: instant runoff between options")
    TIME_POLL = rules.TIME_POLL, _("Time poll: find a meeting time")


# Kinds that decide a yes-or-no question (and so may change something in the platform).
YES_NO_KINDS = (Kind.CONSENT, Kind.CONSENSUS, Kind.MAJORITY, Kind.SCORE)
OPTION_KINDS = (Kind.RANKED, Kind.TIME_POLL)


class Effect(models.TextChoices):
    NONE = "", _("Nothing changes by itself")
    FUND_RULE = "funds.approval_rule", _("Change a fund's approval rule")
    REMOVE_MEMBER = "members.remove", _("Remove a member")


class Status(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Policy(models.Model):
    """A group's rules for proposals. Absent: the defaults below (nothing requires a proposal)."""

    group = models.OneToOneField("groups.Group", on_delete=models.CASCADE, related_name="decision_policy")
    members_may_propose = models.BooleanField(_("members may open proposals"), default=True)
    min_hours = models.PositiveIntegerField(_("shortest voting time (hours)"), default=48)
    max_days = models.PositiveIntegerField(_("longest voting time (days)"), default=30)
    min_quorum_percent = models.PositiveSmallIntegerField(_("lowest quorum allowed (%)"), default=0)
    allow_anonymous = models.BooleanField(_("anonymous votes allowed"), default=True)
    remind_hours = models.PositiveSmallIntegerField(
        _("remind those who have not voted (hours before closing)"), default=24
    )
    require_for_fund_rules = models.BooleanField(
        _("changing a fund's approval rule needs a passed proposal"), default=False
    )
    require_for_member_removal = models.BooleanField(
        _("removing a member needs a passed proposal"), default=False
    )

    data_classification: ClassVar = dict.fromkeys(
        (
            "group",
            "members_may_propose",
            "min_hours",
            "max_days",
            "min_quorum_percent",
            "allow_anonymous",
            "remind_hours",
            "require_for_fund_rules",
            "require_for_member_removal",
        ),
        (PUBLIC, "how a group decides together (bounds for proposals), chosen by the group"),
    )

    def __str__(self) -> str:
        return f"decision policy of {self.group_id}"


class Proposal(models.Model):
    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="proposals")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    title = EncryptedTextField(_("title"), max_length=200)
    body = EncryptedTextField(_("what is proposed, and why"), blank=True, default="", max_length=5000)
    kind = models.CharField(_("how we decide"), max_length=12, choices=Kind.choices, default=Kind.CONSENT)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    opens_at = models.DateTimeField(default=timezone.now)
    closes_at = models.DateTimeField(_("closes at"))
    min_duration_hours = models.PositiveIntegerField(
        default=0
    )  # the group's shortest voting time when opened
    # The "%" below is a percent sign, not a placeholder (gettext would otherwise demand "% o" in every
    # translation).
    # xgettext:no-python-format
    quorum_percent = models.PositiveSmallIntegerField(_("quorum (% of members who must vote)"), default=0)
    # xgettext:no-python-format
    threshold_percent = models.PositiveSmallIntegerField(_("passes with more than (% of yes)"), default=50)
    anonymous = models.BooleanField(_("anonymous votes"), default=False)
    reasons_required = models.BooleanField(_("objections and blocks need a reason"), default=True)
    eligible_count = models.PositiveIntegerField(default=0)
    effect = models.CharField(max_length=32, choices=Effect.choices, default=Effect.NONE, blank=True)
    effect_params = models.JSONField(default=dict, blank=True)
    effect_applied_at = models.DateTimeField(null=True, blank=True)
    effect_error = models.CharField(max_length=300, blank=True, default="")
    reminded = models.BooleanField(default=False)
    closed_at = models.DateTimeField(null=True, blank=True)
    passed = models.BooleanField(null=True, blank=True)
    tally = models.JSONField(default=dict, blank=True)

    data_classification: ClassVar = {
        **dict.fromkeys(
            (
                "group",
                "kind",
                "status",
                "opens_at",
                "closes_at",
                "min_duration_hours",
                "quorum_percent",
                "threshold_percent",
                "anonymous",
                "reasons_required",
                "eligible_count",
                "reminded",
                "closed_at",
            ),
            (PUBLIC, "a group's proposal: its rule, settings and when it is open"),
        ),
        "author": (PUBLIC, "who opened a proposal (shown to the group)"),
        **dict.fromkeys(
            ("effect", "effect_params", "effect_applied_at", "effect_error"),
            (
                PUBLIC,
                "what a proposal changes when it passes: a fund's approval numbers, or which membership "
                "(by id) is removed",
            ),
        ),
        **dict.fromkeys(
            ("passed", "tally"),
            (PUBLIC, "the outcome and counts of a vote (never who voted what)"),
        ),
    }

    class Meta:
        ordering: ClassVar = ["-opens_at", "-pk"]
        indexes: ClassVar = [models.Index(fields=["status", "closes_at"], name="decisions_open_by_close")]

    def __str__(self) -> str:
        return self.title or ""

    @property
    def is_open(self) -> bool:
        return self.status == Status.OPEN and timezone.now() < self.closes_at

    @property
    def has_options(self) -> bool:
        return self.kind in OPTION_KINDS


class Option(models.Model):
    """A choice of a ranked-choice proposal, or a meeting time of a time poll."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField()
    label = EncryptedTextField(_("option"), max_length=200, blank=True, default="")
    starts_at = models.DateTimeField(null=True, blank=True)

    data_classification: ClassVar = dict.fromkeys(
        ("proposal", "position", "starts_at"),
        (PUBLIC, "the options of a group's proposal (a meeting time for time polls)"),
    )

    class Meta:
        ordering: ClassVar = ["position"]
        constraints: ClassVar = [
            models.UniqueConstraint("proposal", "position", name="decisions_one_option_per_position")
        ]

    def __str__(self) -> str:
        return self.label or (self.starts_at.isoformat() if self.starts_at else "")

    @property
    def key(self) -> str:
        return str(self.pk)


class Eligible(models.Model):
    """The electorate, frozen when the proposal opened: one row per member who may vote."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="electorate")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    voted = models.BooleanField(default=False)
    reminded = models.BooleanField(default=False)

    data_classification: ClassVar = {
        "proposal": (PUBLIC, "which proposal"),
        "user": (PUBLIC, "who may vote on a proposal (the group's members when it opened)"),
        "voted": (PUBLIC, "whether a member has voted (never what)"),
        "reminded": (PUBLIC, "whether a member was reminded to vote"),
    }

    class Meta:
        constraints: ClassVar = [models.UniqueConstraint("proposal", "user", name="decisions_eligible_once")]

    def __str__(self) -> str:
        return f"eligible {self.user_id} on {self.proposal_id}"


class Ballot(models.Model):
    """One voter's ballot. Open proposals name the voter; anonymous ones never do (receipt hash only)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="ballots")
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    receipt_hash = models.CharField(max_length=64, blank=True, default="")
    choice = models.JSONField()
    reason = EncryptedTextField(_("reason"), blank=True, default="", max_length=1000)

    data_classification: ClassVar = {
        "id": (PUBLIC, "a random ballot key (says nothing about who voted or when)"),
        "proposal": (PUBLIC, "which proposal"),
        "voter": (PUBLIC, "who voted (open proposals only; empty on anonymous proposals)"),
        "receipt_hash": (SECRET, "hash of the receipt an anonymous voter holds to change their ballot"),
        "choice": (
            PUBLIC,
            "what was voted: tied to a member on open proposals, to no one on anonymous ones",
        ),
    }

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                "proposal",
                "voter",
                condition=models.Q(voter__isnull=False),
                name="decisions_one_ballot_per_voter",
            ),
            models.UniqueConstraint(
                "proposal",
                "receipt_hash",
                condition=~models.Q(receipt_hash=""),
                name="decisions_one_ballot_per_receipt",
            ),
        ]

    def __str__(self) -> str:
        return f"ballot on {self.proposal_id}"
