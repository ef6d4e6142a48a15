from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mutualaid.core.classification import COARSE, PUBLIC


class ReadVia(models.TextChoices):
    """Where a read happened, when not on the record's own page (shown in the group's audit log)."""

    PAGE = "", _("on its page")
    PHONE_BANK = "phone_bank", _("the phone-bank sheet")
    INTAKE = "intake", _("the list of requests sent by text")
    EXPORT = "export", _("their own data download")


class SensitiveRead(models.Model):
    """Someone read another person's sensitive fields. Expires after MUTUALAID_AUDIT_RETENTION_DAYS."""

    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    group_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    subject_type = models.CharField(max_length=60)
    subject_id = models.BigIntegerField()
    fields = models.CharField(max_length=300)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    via = models.CharField(max_length=20, blank=True, default=ReadVia.PAGE, choices=ReadVia.choices)

    data_classification = {
        "reader": (PUBLIC, "who read someone's contact details or address (audit trail, expires)"),
        "group_id": (PUBLIC, "in which group the read happened"),
        "subject_type": (PUBLIC, "what kind of record was read"),
        "subject_id": (PUBLIC, "which record was read"),
        "fields": (PUBLIC, "which sensitive fields were read (names only, never values)"),
        "at": (PUBLIC, "when"),
        "via": (PUBLIC, "where the read happened (e.g. the phone-bank sheet)"),
    }

    class Meta:
        verbose_name = _("sensitive read")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.subject_type}#{self.subject_id} ({self.fields})"


class SetupCode(models.Model):
    """The one-time code that protects first-run setup; only its hash is kept."""

    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)

    data_classification = {
        "code_hash": ("secret", "hash of the one-time setup code"),
        "created_at": (PUBLIC, "when the server was first started"),
        "used_at": (PUBLIC, "when setup was completed"),
    }

    def __str__(self) -> str:
        return f"setup code of {self.created_at:%Y-%m-%d}"


class PurgeTally(models.Model):
    """Anonymous counts of purged rows, kept for needs assessment after the rows are gone (property 4)."""

    rule = models.CharField(max_length=100)
    group_id = models.BigIntegerField(null=True, blank=True)
    label = models.CharField(max_length=100, blank=True)
    month = models.DateField()
    count = models.PositiveIntegerField(default=0)

    data_classification = {
        "rule": (PUBLIC, "what kind of record was purged (e.g. closed needs)"),
        "group_id": (PUBLIC, "which group the purged records belonged to"),
        "label": (PUBLIC, "a category or outcome of the purged records (never a person)"),
        "month": (COARSE, "month of the purge"),
        "count": (PUBLIC, "how many records were purged"),
    }

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                "rule", "group_id", "label", "month", name="one_tally_per_rule_group_label_month"
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule} {self.label} {self.month:%Y-%m}: {self.count}"


class RateCounter(models.Model):
    """How often one action happened in one fixed window (THREATS.md property 10).

    One row per action, scope (a member, a group, the whole install) and window; `key` is a keyed digest
    of the three, so a seized database cannot tell whose counter a row is. Rows are deleted once their
    window is over (daily purge).
    """

    key = models.CharField(max_length=64, unique=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    data_classification = {
        "key": ("secret", "keyed digest of an action, a member or group id and a time window"),
        "count": (PUBLIC, "how many times that action happened in that window"),
        "expires_at": (PUBLIC, "when the window ends (the row is deleted after it)"),
    }

    def __str__(self) -> str:
        return f"{self.key[:8]}…: {self.count}"


class PeriodicRun(models.Model):
    """One scheduled run of a periodic job; the unique slot stops two workers scheduling it twice."""

    name = models.CharField(max_length=64)
    slot = models.CharField(max_length=32)
    created_at = models.DateTimeField(default=timezone.now)

    data_classification = {
        "name": (PUBLIC, "which periodic job"),
        "slot": (PUBLIC, "which period it ran for"),
        "created_at": (PUBLIC, "when it was scheduled"),
    }

    class Meta:
        db_table = "channels_periodicrun"  # created by channels before core kept the job machinery
        constraints: ClassVar = [models.UniqueConstraint("name", "slot", name="periodic_once_per_slot")]

    def __str__(self) -> str:
        return f"{self.name} {self.slot}"
