"""Writes about messages not covered by their own modules: gateways, coordinators' replies to people who
texted in, texting a neighbour that help is found, daily digests and purges.

The other writes: `inbound` (incoming SMS), `outbox` (queueing and sending), `preferences`,
`broadcasts`, `checkins`."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualaid.channels.broadcasts import BROADCAST_MAX
from mutualaid.channels.models import (
    Channel,
    Contact,
    DigestItem,
    Gateway,
    GatewayKind,
    InboundMessage,
    IntakeRequest,
    OutboundMessage,
)
from mutualaid.channels.notifications import digest_texts
from mutualaid.channels.outbox import email_queue, sms_queue, sms_queue_for_member
from mutualaid.core.encryption import blind_index
from mutualaid.core.models import PeriodicRun
from mutualaid.core.speaking import speaking
from mutualaid.exchange.models import ACTIVE_STATUSES
from mutualaid.members.models import User

INBOUND_KEEP_DAYS = 14  # Android's gateway retries with backoff for days; drop its retries that long


RELAY_MAX = 300


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
    with speaking(contact.language):
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


def _spoken(languages: list[str]) -> str | None:
    known = {code for code, _name in settings.LANGUAGES}
    return next((code for code in languages if code in known), None)


def text_post_neighbour(post: Any, render: Any) -> bool:
    """The texter of the deliveries app's port (deliveries.texting): text the neighbour without an
    account that ``post`` is held for, from the group's number, in their language; whether one was queued.

    A neighbour who texted the request in: their number and the language they texted in (the request's),
    unless they said STOP. A neighbour a coordinator entered with a number: the first of their languages
    the site speaks, else the group's. Nothing is sent without an enabled gateway. The number stays here.
    """
    request = IntakeRequest.objects.filter(post_id=post.pk).select_related("contact__gateway").first()
    if request is not None and request.contact is not None:
        contact = request.contact
        if contact.opted_out or not contact.phone:
            return False
        gateway = contact.gateway if contact.gateway is not None and contact.gateway.enabled else None
        gateway = (
            gateway or Gateway.objects.filter(group_id=post.group_id, enabled=True).order_by("pk").first()
        )
        if gateway is None:
            return False
        language = _spoken([request.language, contact.language]) or settings.LANGUAGE_CODE
        sms_queue(gateway=gateway, contact=contact, body=render(language), kind="notification")
        return True
    person = post.contact
    if person is None or not person.phone:
        return False
    from mutualaid.channels.slots import text_neighbour

    phone = person.phone
    known = Contact.objects.filter(
        group_id=post.group_id, phone_index=blind_index(phone, purpose="phone")
    ).first()
    if known is not None and known.opted_out:
        return False
    if not Gateway.objects.filter(group_id=post.group_id, enabled=True).exists():
        return False
    language = _spoken([*person.languages, *post.group.languages]) or settings.LANGUAGE_CODE
    text_neighbour(post.group, phone, render(language))
    return True


def on_way_consent(post: Any) -> bool | None:
    """The consent reader of the deliveries app's port: what a neighbour who texted ``post`` in answered
    to "may we text you when a driver sets out" (None: not asked), and False once they said STOP."""
    row = (
        IntakeRequest.objects.filter(post_id=post.pk).values_list("text_on_way", "contact__opted_out").first()
    )
    if row is None or row[0] is None:
        return None
    return bool(row[0]) and not row[1]


def texter_number(post: Any) -> tuple[Contact, str] | None:
    """The number a neighbour texted ``post`` in from, with the record it is read from (for the audit of
    private reads), or None when the post did not come by text."""
    request = IntakeRequest.objects.filter(post_id=post.pk).select_related("contact").first()
    if request is None or request.contact is None or not request.contact.phone:
        return None
    return request.contact, request.contact.phone


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
