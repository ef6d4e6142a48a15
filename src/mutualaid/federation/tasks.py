"""The worker's federation jobs."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from mutualaid.core.jobs import job
from mutualaid.federation.models import SeenActivity


@job
def deliver() -> dict[str, int]:
    from mutualaid.federation.delivery import run_due

    return run_due()


SEEN_DAYS = 7


@job
def purge() -> int:
    """Forget incoming activity ids after a week (a retry older than that is refused by its Date)."""
    deleted, _ = SeenActivity.objects.filter(
        received_at__lt=timezone.now() - timedelta(days=SEEN_DAYS)
    ).delete()
    return deleted
