"""The outbound queue: SMS and e-mail queued in the sender's transaction, sent by a job, retried, reaped.

Task arguments are stored in the clear by the queue, so jobs carry only row ids; numbers, addresses
and bodies stay sealed in `OutboundMessage`."""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualaid.channels import conf, gateways
from mutualaid.channels.models import (
    Broadcast,
    Channel,
    Contact,
    Gateway,
    OutboundMessage,
)
from mutualaid.channels.notifications import unsubscribe_url
from mutualaid.core.jobs import enqueue_on_commit
from mutualaid.core.speaking import speaking
from mutualaid.members.models import Membership, User

logger = logging.getLogger(__name__)


# Kinds not sent to someone who replied STOP. Replies to their own messages (STOP/START/HELP) still go.
SILENCED_BY_STOP = {"broadcast", "checkin", "notification", "digest", "relay"}


class EmailError(Exception):
    """The SMTP server refused or could not be reached; the job retries with backoff."""


def sms_queue(
    *,
    gateway: Gateway,
    body: str,
    kind: str,
    to: str = "",
    contact: Contact | None = None,
    user: User | None = None,
    broadcast: Broadcast | None = None,
) -> OutboundMessage:
    from mutualaid.channels import tasks

    message = OutboundMessage.objects.create(
        channel=Channel.SMS,
        kind=kind,
        group=gateway.group,
        gateway=gateway,
        contact=contact,
        user=user,
        broadcast=broadcast,
        recipient=to or (contact.phone if contact else "") or "",
        body=body,
    )
    enqueue_on_commit(tasks.deliver_outbound, message.pk)
    return message


def email_queue(
    *, user: User, kind: str, subject: str, body: str, broadcast: Broadcast | None = None, group: Any = None
) -> OutboundMessage:
    from mutualaid.channels import tasks

    link = unsubscribe_url(user)
    with speaking(user.language):
        footer = _("Stop these e-mails: %(url)s") % {"url": link}
    message = OutboundMessage.objects.create(
        channel=Channel.EMAIL,
        kind=kind,
        user=user,
        group=group,
        broadcast=broadcast,
        recipient=user.email or "",
        subject=subject,
        body=f"{body}\n\n-- \n{footer}\n",
        unsubscribe_url=link,
    )
    enqueue_on_commit(tasks.deliver_outbound, message.pk)
    return message


def gateway_for_member(user: User) -> Gateway | None:
    group_ids = Membership.objects.filter(user=user).values_list("group_id", flat=True)
    return (
        Gateway.objects.filter(group_id__in=group_ids, enabled=True)
        .select_related("group")
        .order_by("pk")
        .first()
    )


def sms_queue_for_member(*, user: User, kind: str, body: str) -> OutboundMessage | None:
    gateway = gateway_for_member(user)
    if gateway is None or not user.phone:
        return None
    return sms_queue(gateway=gateway, to=user.phone, body=body, kind=kind, user=user)


@dataclass(frozen=True)
class Delivery:
    outcome: str  # sent, skipped, deferred
    retry_in: float = 0.0


def outbound_deliver(*, message_id: int) -> Delivery:
    """Send one queued message. Raises on a gateway or SMTP failure so the job retries with backoff."""
    # Claim with a conditional update: of two workers handed the same id, one changes the row.
    claimed = OutboundMessage.objects.filter(pk=message_id, status=OutboundMessage.Status.QUEUED).update(
        status=OutboundMessage.Status.SENDING, attempts=F("attempts") + 1, sending_since=timezone.now()
    )
    if not claimed:
        return Delivery("skipped")
    message = OutboundMessage.objects.select_related("gateway", "contact", "user").get(pk=message_id)
    if _silenced(message) or not message.recipient:
        _finish(message, OutboundMessage.Status.SKIPPED)
        return Delivery("skipped")
    if message.channel == Channel.SMS:
        if message.gateway is None or not message.gateway.enabled:
            _finish(message, OutboundMessage.Status.SKIPPED)
            return Delivery("skipped")
        wait = rate_take(gateway_id=message.gateway.pk)
        if wait > 0:
            # Not a failure: give the attempt back and come back when the bucket has a token.
            OutboundMessage.objects.filter(pk=message.pk).update(
                status=OutboundMessage.Status.QUEUED, attempts=F("attempts") - 1, sending_since=None
            )
            return Delivery("deferred", wait)
    gateway_id = ""
    try:
        if message.channel == Channel.SMS:
            gateway_id = gateways.send(message.gateway, message.recipient, message.body or "", message.ref())  # type: ignore[arg-type]
            if gateway_id:
                # Written the moment the gateway answers: if this worker dies before the next write,
                # the reaper sees the gateway took the message and does not hand it over again.
                OutboundMessage.objects.filter(pk=message.pk).update(gateway_message_id=gateway_id[:64])
        else:
            _send_email(message)
    except Exception:
        final = message.attempts >= conf.get("MUTUALAID_JOB_ATTEMPTS")
        _finish(message, OutboundMessage.Status.FAILED if final else OutboundMessage.Status.QUEUED)
        raise
    _finish(message, OutboundMessage.Status.SENT, gateway_id=gateway_id)
    return Delivery("sent")


def _silenced(message: OutboundMessage) -> bool:
    if message.contact is not None and message.contact.opted_out:
        return message.kind in SILENCED_BY_STOP
    return False


def _finish(message: OutboundMessage, status: str, *, gateway_id: str = "") -> None:
    message.status = status
    message.sent_at = timezone.now() if status == OutboundMessage.Status.SENT else None
    message.sending_since = None
    fields = ["status", "sent_at", "sending_since"]
    if gateway_id:
        message.gateway_message_id = gateway_id[:64]
        fields.append("gateway_message_id")
    message.save(update_fields=fields)


def outbound_reap(*, now: Any = None) -> dict[str, int]:
    """Settle messages left "sending" by a worker that died mid-send (killed, host lost, deploy).

    A send takes seconds (gateway and SMTP calls time out after `gateways.SEND_TIMEOUT_SECONDS`), so a
    message still "sending" after `MUTUALAID_SENDING_TIMEOUT_SECONDS` has no live worker. What a sender
    expects is that the text arrives, once:
    - the gateway gave it an id: the gateway has it and delivers it; it is marked sent, never handed over again;
    - otherwise it is queued again (the same attempt count, so the retry limit holds) — at least once
      rather than lost: someone waiting for "a neighbour will help" must hear it. The second request
      carries the same id to the Android app and generic bridges (`OutboundMessage.ref`) and the same
      Message-ID on e-mail, so those drop or fold a copy that did get through; only a Twilio text whose
      worker died between Twilio's answer and our write can arrive twice;
    - it has used all its attempts: it is marked failed, visible to operators.
    Each row moves with a conditional update, so two workers reaping at once settle it once.
    """
    from mutualaid.channels import tasks

    now = now or timezone.now()
    cutoff = now - timedelta(seconds=conf.get("MUTUALAID_SENDING_TIMEOUT_SECONDS"))
    stuck = OutboundMessage.objects.filter(status=OutboundMessage.Status.SENDING).filter(
        Q(sending_since__lt=cutoff) | Q(sending_since__isnull=True, created_at__lt=cutoff)
    )
    counts = {"sent": 0, "requeued": 0, "failed": 0}
    limit = conf.get("MUTUALAID_JOB_ATTEMPTS")
    for message in stuck.only("pk", "gateway_message_id", "attempts", "sending_since"):
        same = OutboundMessage.objects.filter(
            pk=message.pk, status=OutboundMessage.Status.SENDING, sending_since=message.sending_since
        )
        with transaction.atomic():
            if message.gateway_message_id:
                moved = same.update(
                    status=OutboundMessage.Status.SENT,
                    sent_at=message.sending_since or now,
                    sending_since=None,
                )
                outcome = "sent"
            elif message.attempts >= limit:
                moved = same.update(status=OutboundMessage.Status.FAILED, sending_since=None)
                outcome = "failed"
            else:
                moved = same.update(status=OutboundMessage.Status.QUEUED, sending_since=None)
                outcome = "requeued"
                if moved:
                    enqueue_on_commit(tasks.deliver_outbound, message.pk)
        if moved:
            counts[outcome] += 1
    if any(counts.values()):
        logger.warning("outbound messages left sending by a dead worker: %s", counts)
    return counts


def _send_email(message: OutboundMessage) -> None:
    headers = {}
    if message.unsubscribe_url:
        # RFC 8058 one-click: mail clients POST to the link; no login, the signed token is the key.
        headers["List-Unsubscribe"] = f"<{message.unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    # The same Message-ID on every attempt: if a worker died after the server took the message and it
    # is sent again, mail programs show one message.
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip("> ") or "localhost"
    headers["Message-ID"] = f"<outbound.{message.pk}.{int(message.created_at.timestamp())}@{domain}>"
    email = EmailMessage(
        subject=message.subject or "",
        body=message.body or "",
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.recipient or ""],
        headers=headers,
        # A stalled SMTP server must not hold a worker forever (Django's default is no timeout).
        connection=get_connection(
            timeout=getattr(settings, "EMAIL_TIMEOUT", None) or gateways.SEND_TIMEOUT_SECONDS
        ),
    )
    try:
        email.send(fail_silently=False)
    except (smtplib.SMTPException, OSError) as exc:
        # SMTP errors name the recipient; the queue keeps tracebacks in the clear, so say only what failed.
        raise EmailError(f"SMTP delivery failed ({type(exc).__name__})") from None


@transaction.atomic
def rate_take(*, gateway_id: int) -> float:
    """Take one token from the gateway's bucket: 0 when sending may go ahead, else seconds to wait.

    The bucket lives on the gateway row, locked for the update, so every worker shares one limit.
    """
    gateway = Gateway.objects.select_for_update().get(pk=gateway_id)
    now = timezone.now()
    per_second = max(gateway.rate_per_minute, 1) / 60
    capacity = float(max(gateway.rate_per_minute, 1))
    if gateway.tokens_at is None:
        tokens = capacity
    else:
        tokens = min(capacity, gateway.tokens + (now - gateway.tokens_at).total_seconds() * per_second)
    wait = 0.0
    if tokens >= 1:
        tokens -= 1
    else:
        wait = (1 - tokens) / per_second
    gateway.tokens, gateway.tokens_at = tokens, now
    gateway.save(update_fields=["tokens", "tokens_at"])
    return wait
