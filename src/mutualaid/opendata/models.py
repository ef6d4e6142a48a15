"""What a group chooses to publish as open data beyond its directory entry.

A listed group's directory entry (and its public hubs) are public already and go out as Open Referral
HSDS without a setting. Offers are different: they were posted for the group, so a group publishes
them only when its coordinators say so (`publish_offers`, off by default), and then only their coarse
form (category, quantity, coarse area, time window), never who offers or anything typed.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mutualaid.core.classification import PUBLIC


class Publishing(models.Model):
    group = models.OneToOneField("groups.Group", on_delete=models.CASCADE, related_name="publishing")
    publish_offers = models.BooleanField(_("publish public offers"), default=False)
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        "members.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    data_classification: ClassVar = {
        "group": (PUBLIC, "the group a publishing choice belongs to"),
        "publish_offers": (PUBLIC, "whether a group publishes the coarse form of its open offers"),
        "changed_at": (PUBLIC, "when the publishing choice last changed"),
        "changed_by": (PUBLIC, "which coordinator last changed the publishing choice"),
    }

    def __str__(self) -> str:
        return f"{self.group_id}: offers {'on' if self.publish_offers else 'off'}"
