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

from django.db import connection
from django.db.models import Count
from django.utils import timezone

from mutualaid.channels.models import Channel, Gateway, Notice, OutboundMessage
from mutualaid.channels.notifications import NOTICE_PLACEHOLDERS, render
from mutualaid.core import encryption
from mutualaid.core.fields import EncryptedTextField
from mutualaid.core.jobs import enqueue_on_commit, job
from mutualaid.core.notify import BulkResult, Recipient

BATCH = 200
INSERT_BATCH = 1000


def send(*, group: Any, kind: str, context: dict[str, Any], recipients: list[Recipient]) -> BulkResult:
    """Store an e-mail, SMS and/or in-app notice for each recipient as they asked; queue their sending."""
    rendered: dict[str, tuple[str, str]] = {}

    def words(language: str) -> tuple[str, str]:
        if language not in rendered:
            rendered[language] = render(kind, context, language)
        return rendered[language]

    gateway = Gateway.objects.filter(group=group, enabled=True).order_by("pk").first() if group else None
    now = timezone.now()
    at = connection.ops.adapt_datetimefield_value(now)
    group_id = getattr(group, "pk", None)
    messages: list[tuple[Any, ...]] = []
    notices: list[tuple[Any, ...]] = []
    placeholders = json.dumps({key: str(context[key]) for key in NOTICE_PLACEHOLDERS if key in context})
    url = str(context.get("url", ""))
    url = url if url.startswith("/") else ""
    for recipient in recipients:
        user = recipient.user
        if not user.is_active:
            continue
        subject, text = words(user.language)
        if "sms" in recipient.channels and gateway is not None and user.phone:
            messages.append(
                (
                    Channel.SMS,
                    kind,
                    group_id,
                    gateway.pk,
                    user.pk,
                    _seal(MESSAGE, "recipient", user.phone),
                    "",
                    _seal(MESSAGE, "body", text),
                    "",
                    OutboundMessage.Status.QUEUED,
                    0,
                    at,
                    "",
                )
            )
        if "email" in recipient.channels and user.email:
            messages.append(
                (
                    Channel.EMAIL,
                    kind,
                    group_id,
                    None,
                    user.pk,
                    _seal(MESSAGE, "recipient", user.email),
                    _seal(MESSAGE, "subject", subject),
                    _seal(MESSAGE, "body", text),
                    "",
                    OutboundMessage.Status.QUEUED,
                    0,
                    at,
                    "",
                )
            )
        if "notice" in recipient.channels:
            notices.append((user.pk, kind, _seal(NOTICE, "context", placeholders), url, at))
    _insert(OutboundMessage, MESSAGE_COLUMNS, messages)
    _insert(Notice, NOTICE_COLUMNS, notices)
    # Rows inserted by one statement per batch do not hand back their ids on every database; they are
    # found again by what they share (one bulk send: one kind, group and moment).
    ids = list(
        OutboundMessage.objects.filter(kind=kind, group=group, created_at=now)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for start in range(0, len(ids), BATCH):
        enqueue_on_commit(deliver_batch, ids[start : start + BATCH])
    return BulkResult(message_ids=ids, notices=len(notices))


# Plain multi-row inserts: for 10,000 people Django's bulk_create spends most of its time preparing
# each of a dozen fields of each row; here only the sealed fields need work (encryption, exactly as
# EncryptedTextField does it, with the same context), the rest are constants of the send.
MESSAGE = OutboundMessage
NOTICE = Notice
MESSAGE_COLUMNS = [
    "channel",
    "kind",
    "group_id",
    "gateway_id",
    "user_id",
    "recipient",
    "subject",
    "body",
    "unsubscribe_url",
    "status",
    "attempts",
    "created_at",
    "gateway_message_id",
]
NOTICE_COLUMNS = ["user_id", "kind", "context", "url", "created_at"]


def _seal(model: Any, field: str, value: str) -> str:
    if not value:
        return ""
    sealed: EncryptedTextField = model._meta.get_field(field)
    return encryption.encrypt(value, context=sealed.context())


def _insert(model: Any, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    """One INSERT statement executed for many rows (psycopg pipelines them; SQLite loops in C)."""
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(c) for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), INSERT_BATCH):
            cursor.executemany(
                f"INSERT INTO {table} ({names}) VALUES ({marks})",  # noqa: S608 - our own table and columns
                rows[start : start + INSERT_BATCH],
            )


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
    from mutualaid.channels import outbox, tasks

    outcomes: dict[str, int] = {}
    for position, message_id in enumerate(message_ids):
        try:
            delivery = outbox.outbound_deliver(message_id=message_id)
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
