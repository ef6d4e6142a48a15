"""What channels hold about a member, for their own download (core.export): notices, messages sent to
them, their notification choices and texting consents, announcements they wrote."""

from __future__ import annotations

from typing import Any

from mutualaid.channels.models import (
    Broadcast,
    Contact,
    DigestItem,
    IntakeRequest,
    Notice,
    NotificationPreference,
    OutboundMessage,
)
from mutualaid.core.encryption import blind_index
from mutualaid.core.export import Names, rows


def personal_data(user: Any) -> dict[str, Any]:
    names = Names(user)
    texting = Contact.objects.none()
    if user.phone:
        texting = Contact.objects.filter(phone_index=blind_index(user.phone, purpose="phone"))
    return {
        "notification_preferences": rows(NotificationPreference.objects.filter(user=user), names=names),
        # Consents given by text message from your phone number: STOP, announcements (NEWS).
        "texting_consents": rows(
            texting.order_by("pk"),
            names=names,
            fields=("group", "language", "opted_out", "broadcasts", "last_message_on"),
        ),
        "notices": rows(Notice.objects.filter(user=user).order_by("created_at", "pk"), names=names),
        "messages_sent_to_you": rows(
            OutboundMessage.objects.filter(user=user).exclude(kind="relay").order_by("created_at", "pk"),
            names=names,
            exclude=("gateway", "contact", "gateway_message_id", "sending_since", "unsubscribe_url"),
        ),
        # Texts relayed to you are someone else's words: when and how, not what.
        "texts_relayed_to_you": rows(
            OutboundMessage.objects.filter(user=user, kind="relay").order_by("created_at", "pk"),
            names=names,
            fields=("channel", "group", "status", "created_at", "sent_at"),
        ),
        "digest_items": rows(DigestItem.objects.filter(user=user).order_by("created_at", "pk"), names=names),
        "announcements_you_wrote": rows(
            Broadcast.objects.filter(author=user).order_by("created_at", "pk"), names=names
        ),
        # Texted requests you looked after: which request and when, not the neighbour's details.
        "texted_requests_you_handled": rows(
            IntakeRequest.objects.filter(user=user).order_by("created_at", "pk"),
            names=names,
            fields=("id", "group", "post", "created_at", "checkin_sent_at"),
        ),
    }
