"""The bulk sender of the core notification port (core.notify.notify_bulk): one event to thousands.

Messages are rendered once per language, stored with a few bulk inserts (each sealed field still sealed
row by row) and handed to the worker in batches of `BATCH` ids, one job per batch; a batch job sends its
messages one after another through the same delivery as every other message (`outbound_deliver`: claim,
gateway rate limit, retries). When the gateway's rate limit is spent the rest of the batch comes back
when a token is free, so sending proceeds at each gateway's rate while every message is already queued.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from django.db.models import Count
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mutualaid.channels.models import Channel, Gateway, Notice, OutboundMessage
from mutualaid.channels.notifications import NOTICE_PLACEHOLDERS, render
from mutualaid.core.jobs import enqueue_on_commit, job
from mutualaid.core.notify import BulkResult, Recipient

BATCH = 200
INSERT_BATCH = 1000


def send(*, group: Any, kind: str, context: dict[str, Any], recipients: list[Recipient]) -> BulkResult:
    """Store an e-mail, SMS and/or in-app notice for each recipient as they asked; queue their sending."""
    rendered: dict[str, tuple[str, str]] = {}
    footers: dict[str, str] = {}

    def words(language: str) -> tuple[str, str]:
        if language not in rendered:
            rendered[language] = render(kind, context, language)
            with translation.override(language):
                footers[language] = _("You get this because you opted in to alerts of %(group)s.") % {
                    "group": getattr(group, "name", "")
                }
        return rendered[language]

    gateway = Gateway.objects.filter(group=group, enabled=True).order_by("pk").first() if group else None
    now = timezone.now()
    messages: list[OutboundMessage] = []
    notices: list[Notice] = []
    placeholders = json.dumps({key: str(context[key]) for key in NOTICE_PLACEHOLDERS if key in context})
    url = str(context.get("url", ""))
    for recipient in recipients:
        user = recipient.user
        if not user.is_active:
            continue
        subject, text = words(user.language)
        if "sms" in recipient.channels and gateway is not None and user.phone:
            messages.append(
                OutboundMessage(
                    channel=Channel.SMS,
                    kind=kind,
                    group=group,
                    gateway=gateway,
                    user=user,
                    recipient=user.phone,
                    body=text,
                    created_at=now,
                )
            )
        if "email" in recipient.channels and user.email:
            messages.append(
                OutboundMessage(
                    channel=Channel.EMAIL,
                    kind=kind,
                    group=group,
                    user=user,
                    recipient=user.email,
                    subject=subject,
                    body=f"{text}\n\n-- \n{footers[user.language]}\n",
                    created_at=now,
                )
            )
        if "notice" in recipient.channels:
            notices.append(
                Notice(
                    user=user,
                    kind=kind,
                    context=placeholders,
                    url=url if url.startswith("/") else "",
                    created_at=now,
                )
            )
    created = OutboundMessage.objects.bulk_create(messages, batch_size=INSERT_BATCH)
    Notice.objects.bulk_create(notices, batch_size=INSERT_BATCH)
    ids = [message.pk for message in created]
    if any(pk is None for pk in ids):  # a database that does not return ids from bulk inserts
        ids = list(
            OutboundMessage.objects.filter(kind=kind, group=group, created_at=now).values_list(
                "pk", flat=True
            )
        )
    for start in range(0, len(ids), BATCH):
        enqueue_on_commit(deliver_batch, ids[start : start + BATCH])
    return BulkResult(message_ids=ids, notices=len(notices))


def progress(message_ids: list[int]) -> dict[str, int]:
    """Counts of these messages by delivery state (queued, sending, sent, failed, skipped)."""
    counts: dict[str, int] = {}
    for start in range(0, len(message_ids), 5000):
        rows = (
            OutboundMessage.objects.filter(pk__in=message_ids[start : start + 5000])
            .values("status")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for row in rows:
            counts[row["status"]] = counts.get(row["status"], 0) + row["n"]
    return counts


@job
def deliver_batch(message_ids: list[int]) -> dict[str, int]:
    """Send a batch one message at a time; when the gateway's rate limit says wait, the rest comes back later."""
    from mutualaid.channels import services, tasks

    outcomes: dict[str, int] = {}
    for position, message_id in enumerate(message_ids):
        try:
            delivery = services.outbound_deliver(message_id=message_id)
        except Exception:
            # It was put back in the queue (or marked failed after its last attempt): retried alone.
            tasks.deliver_outbound.using(run_after=timezone.now() + timedelta(seconds=30)).enqueue(message_id)
            outcomes["retried"] = outcomes.get("retried", 0) + 1
            continue
        if delivery.outcome == "deferred":
            when = timezone.now() + timedelta(seconds=delivery.retry_in)
            deliver_batch.using(run_after=when).enqueue(message_ids[position:])
            outcomes["deferred"] = len(message_ids) - position
            return outcomes
        outcomes[delivery.outcome] = outcomes.get(delivery.outcome, 0) + 1
    return outcomes
