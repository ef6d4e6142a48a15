"""The job machinery lives in `mutualaid.core.jobs`; channels keeps its digest-hour slot here."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from mutualaid.channels import conf
from mutualaid.core.jobs import backoff, enqueue_on_commit, job, schedule_due

__all__ = ["backoff", "daily_at_digest_hour", "enqueue_on_commit", "job", "schedule_due"]


def daily_at_digest_hour(now: datetime) -> str | None:
    local = timezone.localtime(now)
    return local.strftime("%Y-%m-%d") if local.hour >= conf.get("MUTUALAID_DIGEST_HOUR") else None
