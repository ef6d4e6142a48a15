"""Incoming SMS and delivery reports from a group's gateway: stored once (gateways retry), then answered."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from mutualaid.channels import conversation, gateways, relay
from mutualaid.channels.models import (
    Contact,
    Gateway,
    InboundMessage,
    OutboundMessage,
)
from mutualaid.channels.outbox import sms_queue
from mutualaid.core.encryption import blind_index
from mutualaid.members.services import normalise_phone


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
        # A group whose first language the site speaks (Spanish, Haitian Creole…) answers in it first.
        first_language = (gateway.group.languages or ["en"])[0]
        language = first_language if first_language in {code for code, _name in settings.LANGUAGES} else "en"
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
