"""The worker's federation jobs."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from mutualaid.core.jobs import job
from mutualaid.federation.models import Delivery, DeliveryState, SeenActivity


@job
def deliver() -> dict[str, int]:
    from mutualaid.federation.delivery import run_due

    return run_due()


SEEN_DAYS = 7
FINISHED_DELIVERY_DAYS = 30


@job
def purge() -> int:
    """Forget incoming activity ids after a week (a retry older than that is refused by its Date), and
    finished deliveries (sent or given up) after a month."""
    now = timezone.now()
    seen, _ = SeenActivity.objects.filter(received_at__lt=now - timedelta(days=SEEN_DAYS)).delete()
    done, _ = (
        Delivery.objects.exclude(state=DeliveryState.PENDING)
        .filter(give_up_at__lt=now - timedelta(days=FINISHED_DELIVERY_DAYS))
        .delete()
    )
    return seen + done
