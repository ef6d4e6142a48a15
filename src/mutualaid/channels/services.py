"""Writes about messages: inbound SMS, the outbound queue, preferences, broadcasts, check-ins, purges.

Task arguments are stored in the clear by the queue, so jobs carry only row ids; numbers, addresses
and bodies stay sealed in `OutboundMessage`.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mutualaid.channels import board, conf, conversation, gateways, relay
from mutualaid.channels.models import (
    Broadcast,
    Channel,
    Contact,
    DigestItem,
    Gateway,
    GatewayKind,
    InboundMessage,
    IntakeRequest,
    Mode,
    NotificationPreference,
    OutboundMessage,
)
from mutualaid.channels.notifications import absolute, digest_texts, preference_for, unsubscribe_url
from mutualaid.core.encryption import blind_index
from mutualaid.core.jobs import enqueue_on_commit
from mutualaid.core.models import PeriodicRun
from mutualaid.exchange.models import ACTIVE_STATUSES
from mutualaid.members.models import Membership, User
from mutualaid.members.services import normalise_phone

logger = logging.getLogger(__name__)

BROADCAST_MAX = 480  # three SMS segments
INBOUND_KEEP_DAYS = 14  # Android's gateway retries with backoff for days; drop its retries that long
# Kinds not sent to someone who replied STOP. Replies to their own messages (STOP/START/HELP) still go.
SILENCED_BY_STOP = {"broadcast", "checkin", "notification", "digest", "relay"}
RELAY_MAX = 300


class EmailError(Exception):
    """The SMTP server refused or could not be reached; the job retries with backoff."""


# Inbound SMS -----------------------------------------------------------------------------------


def inbound_receive(*, gateway: Gateway, sms: gateways.InboundSms) -> bool:
    """Handle one inbound SMS exactly once; False when it is a retry of one already handled."""
    try:
        phone = normalise_phone(sms.phone)
    except ValidationError:
        return False
    if not phone:
        return False
    key = blind_index(sms.dedupe_source, purpose="sms-inbound")
    try:
        with transaction.atomic():
            # The unique (gateway, key) row is the idempotency guard: a concurrent or later retry
            # of the same delivery fails here and changes nothing.
            InboundMessage.objects.create(gateway=gateway, dedupe_key=key)
            contact, first = _contact_locked(gateway, phone)
            # A reply to a member who wrote through the group's number lands in that conversation.
            replies = relay.route_inbound(contact, sms.text, media=sms.media)
            if replies is None:
                replies = conversation.reply_to(contact, sms.text, first=first, media=sms.media)
            for reply in replies:
                sms_queue(gateway=gateway, contact=contact, to=phone, body=reply, kind="reply")
    except IntegrityError:
        return False
    return True


def delivery_reports_apply(*, gateway: Gateway, reports: list[gateways.DeliveryReport]) -> int:
    """A gateway reports that texts it took will not arrive: mark them failed, for operators to see.

    Only messages of this gateway are touched, found by the id the gateway gave them; reports about
    other messages (sent from the gateway by hand, or already purged) are acknowledged and ignored.
    """
    failed = [r.gateway_id for r in reports if r.failed and r.gateway_id]
    if not failed:
        return 0
    return OutboundMessage.objects.filter(
        gateway=gateway, gateway_message_id__in=failed, status=OutboundMessage.Status.SENT
    ).update(status=OutboundMessage.Status.FAILED)


def _contact_locked(gateway: Gateway, phone: str) -> tuple[Contact, bool]:
    index = blind_index(phone, purpose="phone")
    contact = (
        Contact.objects.select_for_update()
        .select_related("group")
        .filter(group=gateway.group, phone_index=index)
        .first()
    )
    first = contact is None
    if contact is None:
        language = "es" if (gateway.group.languages or ["en"])[0] == "es" else "en"
        contact = Contact.objects.create(
            group=gateway.group, phone=phone, phone_index=index, language=language, gateway=gateway
        )
        contact.group = gateway.group
    updates = []
    if contact.gateway_id != gateway.pk:
        contact.gateway = gateway
        updates.append("gateway")
    if contact.last_message_on != timezone.localdate():
        contact.last_message_on = timezone.localdate()
        updates.append("last_message_on")
    if updates:
        contact.save(update_fields=updates)
    return contact, first


# Outbound queue --------------------------------------------------------------------------------


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
    with translation.override(user.language):
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


# Preferences and unsubscribe -------------------------------------------------------------------


@transaction.atomic
def preferences_update(*, user: User, email: str, sms: str, broadcasts: bool) -> NotificationPreference:
    if email not in Mode.values:
        raise ValidationError({"email": _("Choose how often to get e-mails.")})
    if sms not in Mode.values:
        raise ValidationError({"sms": _("Choose how often to get text messages.")})
    preference, _created = NotificationPreference.objects.update_or_create(
        user=user, defaults={"email": email, "sms": sms, "broadcasts": broadcasts}
    )
    return preference


def unsubscribe_target(token: str) -> User | None:
    """The member a signed unsubscribe token names; None when the token is not genuine."""
    from mutualaid.channels.notifications import UNSUBSCRIBE_SALT

    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return User.objects.filter(pk=data.get("u"), is_active=True).first()


def unsubscribe_user(token: str) -> User | None:
    """Stop all e-mail to the member the signed token names; None when the token is not genuine."""
    user = unsubscribe_target(token)
    if user is None:
        return None
    with transaction.atomic():
        preference, _created = NotificationPreference.objects.get_or_create(user=user)
        preference.email = Mode.NEVER
        preference.save(update_fields=["email"])
    return user


# Gateways --------------------------------------------------------------------------------------


@transaction.atomic
def gateway_save(
    *,
    group: Any,
    kind: str,
    enabled: bool,
    account: str = "",
    secret: str = "",
    api_password: str = "",
    api_url: str = "",
    sender: str = "",
    rate_per_minute: int = 30,
) -> Gateway:
    """Configure one of a group's gateways. Blank secrets keep the stored ones (they are never shown)."""
    if kind not in GatewayKind.values:
        raise ValidationError({"kind": _("Choose a kind of gateway.")})
    if api_url and not api_url.startswith(("https://", "http://")):
        raise ValidationError({"api_url": _("Enter an address starting with https:// or http://.")})
    if not 1 <= rate_per_minute <= 600:
        raise ValidationError({"rate_per_minute": _("Use 1 to 600 messages per minute.")})
    gateway = Gateway.objects.filter(group=group, kind=kind).first() or Gateway(group=group, kind=kind)
    if not (secret or gateway.secret):
        raise ValidationError({"secret": _("Enter the secret that signs this gateway's webhooks.")})
    gateway.enabled = enabled
    gateway.rate_per_minute = rate_per_minute
    for name, value in (
        ("account", account),
        ("secret", secret),
        ("api_password", api_password),
        ("api_url", api_url),
        ("sender", sender),
    ):
        if value:
            setattr(gateway, name, value.strip())
    gateway.save()
    return gateway


# Broadcasts ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Audience:
    emails: list[User]
    member_sms: list[User]
    contacts: list[Contact]
    gateway: Gateway | None

    @property
    def email_count(self) -> int:
        return len(self.emails)

    @property
    def sms_count(self) -> int:
        return len(self.member_sms) + len(self.contacts)


def broadcast_audience(group: Any) -> Audience:
    """Who a broadcast reaches and how: members who opted in (e-mail first, else SMS) and texters."""
    gateway = Gateway.objects.filter(group=group, enabled=True).order_by("pk").first()
    members = (
        User.objects.filter(
            memberships__group=group, is_active=True, notification_preference__broadcasts=True
        )
        .select_related("notification_preference")
        .order_by("pk")
    )
    emails, member_sms = [], []
    for user in members:
        preference = user.notification_preference
        if user.email and preference.email != Mode.NEVER:
            emails.append(user)
        elif user.phone and preference.sms != Mode.NEVER and gateway is not None:
            member_sms.append(user)
    contacts = list(Contact.objects.filter(group=group, opted_out=False, broadcasts=True)) if gateway else []
    return Audience(emails=emails, member_sms=member_sms, contacts=contacts, gateway=gateway)


@transaction.atomic
def broadcast_send(*, group: Any, author: User, text: str) -> Broadcast:
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write the message to send.")})
    if len(text) > BROADCAST_MAX:
        raise ValidationError(
            {
                "text": _("Use at most %(max)d characters, so it fits in a few text messages.")
                % {"max": BROADCAST_MAX}
            }
        )
    audience = broadcast_audience(group)
    broadcast = Broadcast.objects.create(
        group=group, author=author, text=text, email_count=audience.email_count, sms_count=audience.sms_count
    )
    sms_text = f"{group.name}: {text}"
    for user in audience.emails:
        with translation.override(user.language):
            subject = _("Announcement from %(group)s") % {"group": group.name}
        email_queue(user=user, kind="broadcast", subject=subject, body=text, broadcast=broadcast, group=group)
    if audience.gateway is not None:
        for user in audience.member_sms:
            sms_queue(
                gateway=audience.gateway,
                to=user.phone or "",
                body=sms_text,
                kind="broadcast",
                user=user,
                broadcast=broadcast,
            )
        for contact in audience.contacts:
            sms_queue(
                gateway=audience.gateway,
                contact=contact,
                body=sms_text,
                kind="broadcast",
                broadcast=broadcast,
            )
    return broadcast


# Check-ins -------------------------------------------------------------------------------------

CHECKIN_SALT = "mutualaid.channels.checkin"


def checkin_token(request: IntakeRequest) -> str:
    return signing.dumps({"r": request.pk}, salt=CHECKIN_SALT)


def checkin_request_from_token(token: str) -> IntakeRequest | None:
    try:
        data = signing.loads(token, salt=CHECKIN_SALT, max_age=timedelta(days=30))
    except signing.BadSignature:
        return None
    return IntakeRequest.objects.filter(pk=data.get("r")).select_related("group", "post").first()


def checkins_send() -> int:
    """Ask the requester of every quiet open need whether they still need help (SMS, or e-mail for a
    member's own need): quiet for `MUTUALAID_CHECKIN_DAYS` days, or expiring within that many days
    (see channels.board.needing_checkin). YES renews the post, NO withdraws it."""
    sent = 0
    for request in board.needing_checkin(days=conf.get("MUTUALAID_CHECKIN_DAYS")):
        with transaction.atomic():
            locked = IntakeRequest.objects.select_for_update().filter(pk=request.pk).first()
            if locked is None or (
                locked.checkin_sent_at is not None and locked.checkin_sent_at >= request.post.updated_at
            ):
                continue  # another worker asked in the meantime
            if _checkin_one(request):
                locked.checkin_sent_at = timezone.now()
                locked.save(update_fields=["checkin_sent_at"])
                sent += 1
    return sent


def _checkin_one(request: IntakeRequest) -> bool:
    contact = request.contact
    if contact is not None:
        gateway = contact.gateway or Gateway.objects.filter(group=request.group, enabled=True).first()
        if contact.opted_out or gateway is None or not gateway.enabled:
            return False
        with translation.override(contact.language):
            body = conversation.checkin_question(request.code)
        Contact.objects.filter(pk=contact.pk).update(checkin_for=request, step="", draft="")
        sms_queue(gateway=gateway, contact=contact, body=body, kind="checkin")
        return True
    user = request.user
    if user is None or not user.email or preference_for(user).email == Mode.NEVER:
        return False
    link = absolute(reverse("channels_checkin", kwargs={"token": checkin_token(request)}))
    with translation.override(user.language):
        subject = _("Do you still need help?")
        body = _(
            "Your request %(code)s in %(group)s has been quiet for a while. Do you still need help? Answer here: %(url)s"
        ) % {
            "code": request.code,
            "group": request.group.name,
            "url": link,
        }
    email_queue(user=user, kind="checkin", subject=subject, body=body, group=request.group)
    return True


# Coordinators and people who texted in -------------------------------------------------------


@transaction.atomic
def intake_reply(*, request: IntakeRequest, text: str) -> OutboundMessage:
    """A coordinator answers someone who texted in, through the group's number; the number stays hidden."""
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write the message to send.")})
    if len(text) > RELAY_MAX:
        raise ValidationError({"text": _("Use at most %(max)d characters.") % {"max": RELAY_MAX}})
    contact = request.contact
    if contact is None:
        raise ValidationError(_("This request did not come by text message."))
    if contact.opted_out:
        raise ValidationError(_("This person replied STOP; no more messages can be sent to them."))
    gateway = contact.gateway or Gateway.objects.filter(group=request.group, enabled=True).first()
    if gateway is None or not gateway.enabled:
        raise ValidationError(_("No SMS gateway is connected."))
    return sms_queue(gateway=gateway, contact=contact, body=f"{request.group.name}: {text}", kind="relay")


# Claims on the board ---------------------------------------------------------------------------


def tell_texter_help_is_found(*, post_id: int) -> None:
    """A claim on a post taken in by text message was accepted: text the neighbour that help is found."""
    request = IntakeRequest.objects.filter(post_id=post_id).select_related("contact", "group", "post").first()
    if request is None:
        return
    post = request.post
    contact = request.contact
    if contact is None or contact.opted_out:
        return
    gateway = (
        contact.gateway or Gateway.objects.filter(group=request.group, enabled=True).order_by("pk").first()
    )
    if gateway is None or not gateway.enabled:
        return
    with translation.override(contact.language):
        if post.kind == "need":
            body = _(
                "Good news from %(group)s: a neighbour can help with your request %(code)s. We will text you to arrange it."
            )
        else:
            body = _(
                "Good news from %(group)s: a neighbour would like your offer %(code)s. We will text you to arrange it."
            )
        body = body % {"group": request.group.name, "code": request.code}
    sms_queue(gateway=gateway, contact=contact, body=body, kind="notification")


# Digests and purges ----------------------------------------------------------------------------


def digests_send() -> int:
    """Send each member the notifications held for their daily digest, one message per channel."""
    sent = 0
    pending = DigestItem.objects.values_list("user_id", "channel").distinct()
    for user_id, channel in list(pending):
        with transaction.atomic():
            items = list(
                DigestItem.objects.select_for_update()
                .filter(user_id=user_id, channel=channel)
                .order_by("created_at")
            )
            if not items:
                continue
            user = User.objects.get(pk=user_id)
            subject, body = digest_texts(user, items)
            if channel == Channel.EMAIL and user.email:
                email_queue(user=user, kind="digest", subject=subject, body=body)
            elif channel == Channel.SMS and user.phone:
                sms_queue_for_member(user=user, kind="digest", body=body[:BROADCAST_MAX])
            DigestItem.objects.filter(pk__in=[i.pk for i in items]).delete()
            sent += 1
    return sent


def channels_purge(now: Any = None) -> dict[str, int]:
    """Forget closed requests, old messages and idle contacts after the retention period."""
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    retention = now - timedelta(days=settings.MUTUALAID_RETENTION_DAYS)
    counts = {
        # The SMS side of posts closed long ago; the posts themselves follow the board's retention.
        "requests": IntakeRequest.objects.filter(post__closed_at__lt=retention).delete()[0],
        "outbound": OutboundMessage.objects.filter(created_at__lt=retention)
        .exclude(status__in=[OutboundMessage.Status.QUEUED, OutboundMessage.Status.SENDING])
        .delete()[0],
        "inbound": InboundMessage.objects.filter(
            received_at__lt=now - timedelta(days=INBOUND_KEEP_DAYS)
        ).delete()[0],
        "periodic": PeriodicRun.objects.filter(created_at__lt=retention).delete()[0],
        "jobs": DBTaskResult.objects.finished().filter(finished_at__lt=retention).delete()[0],
    }
    idle = Contact.objects.filter(last_message_on__lt=retention.date()).exclude(
        requests__post__status__in=ACTIVE_STATUSES
    )
    counts["contacts"] = idle.delete()[1].get("channels.Contact", 0)
    return counts
