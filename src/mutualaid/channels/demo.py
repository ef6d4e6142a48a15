"""Demo content for channels: needs and offers that arrived by SMS (on the board), and members who asked for announcements.
Loading it twice changes nothing. The numbers are in the 555-01xx range reserved for fiction."""

from __future__ import annotations

from django.db import transaction

from mutualaid.channels import board
from mutualaid.channels.models import Contact, NotificationPreference
from mutualaid.core.encryption import blind_index
from mutualaid.groups.models import Group
from mutualaid.members.models import Membership

TEXTERS = [
    (
        "crown-heights",
        "+17185550101",
        "en",
        "need",
        "food",
        "Crown Heights North",
        "today",
        "Groceries for two, no car",
    ),
    (
        "crown-heights",
        "+17185550102",
        "es",
        "need",
        "transport",
        "Wingate",
        "week",
        "Viaje a la clínica el jueves",
    ),
    (
        "crown-heights",
        "+17185550103",
        "en",
        "offer",
        "childcare",
        "11225",
        "anytime",
        "Can watch kids on Saturdays",
    ),
    ("bushwick", "+17185550104", "es", "need", "legal", "Bushwick", "today", ""),
]


@transaction.atomic
def load() -> None:
    for slug, phone, language, kind, category, area, urgency, details in TEXTERS:
        group = Group.objects.filter(slug=slug).first()
        if group is None:
            continue
        index = blind_index(phone, purpose="phone")
        contact, created = Contact.objects.get_or_create(
            group=group, phone_index=index, defaults={"phone": phone, "language": language}
        )
        if created:
            board.create_from_sms(
                group=group,
                contact=contact,
                kind=kind,
                category=category,
                area_text=area,
                urgency=urgency,
                details=details,
                language=language,
            )
    for membership in Membership.objects.filter(group__slug__in=["crown-heights", "bushwick"]).select_related(
        "user"
    ):
        NotificationPreference.objects.get_or_create(user=membership.user, defaults={"broadcasts": True})
