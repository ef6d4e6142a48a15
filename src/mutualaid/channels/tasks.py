"""Background jobs of the channels app. Each loads by id and calls a service (STYLE.md)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from mutualaid.channels import checkins, outbox, services
from mutualaid.core.jobs import job


@job
def deliver_outbound(message_id: int) -> str:
    delivery = outbox.outbound_deliver(message_id=message_id)
    if delivery.outcome == "deferred":
        # The gateway's rate limit is spent: come back when a token is free (not a failed attempt).
        when = timezone.now() + timedelta(seconds=delivery.retry_in)
        deliver_outbound.using(run_after=when).enqueue(message_id)
    return delivery.outcome


@job
def send_checkins() -> int:
    return checkins.checkins_send()


@job
def send_digests() -> int:
    return services.digests_send()


@job
def purge_channels() -> dict[str, Any]:
    return services.channels_purge()


@job
def reap_outbound() -> dict[str, int]:
    return outbox.outbound_reap()
