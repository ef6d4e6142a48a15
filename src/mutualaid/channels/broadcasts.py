"""Announcements from coordinators to every member who opted in, and to people who texted in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from mutualaid.channels.models import (
    Broadcast,
    Contact,
    Gateway,
    Mode,
)
from mutualaid.channels.outbox import email_queue, sms_queue
from mutualaid.core.publishing import PublicAnnouncement, announce_public
from mutualaid.core.speaking import speaking
from mutualaid.members.models import User

BROADCAST_MAX = 480  # three SMS segments


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
def broadcast_send(*, group: Any, author: User, text: str, public: bool = False) -> Broadcast:
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
        group=group,
        author=author,
        text=text,
        email_count=audience.email_count,
        sms_count=audience.sms_count,
        public=public and group.listed,
    )
    if broadcast.public:
        # Published beyond the group (a listed group's fediverse followers) once this commits.
        announcement = PublicAnnouncement(
            group_id=group.pk,
            source=f"channels.broadcast:{broadcast.pk}",
            text=text,
            published_at=broadcast.created_at,
        )
        transaction.on_commit(lambda: announce_public(announcement))
    sms_text = f"{group.name}: {text}"
    for user in audience.emails:
        with speaking(user.language):
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
