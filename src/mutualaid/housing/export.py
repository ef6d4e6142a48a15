"""What housing holds about a member, for their own download (core.export): places they offer (address
included), their stays as a guest, check-ins they recorded, stays they proposed or confirmed for others
(dates and state only)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from mutualaid.core.export import Names, rows
from mutualaid.housing.models import CheckIn, Offer, Stay


def personal_data(user: Any) -> dict[str, Any]:
    names = Names(user)
    return {
        "offers": rows(Offer.objects.filter(host=user).order_by("pk"), names=names),
        "stays": rows(Stay.objects.filter(guest=user).order_by("pk"), names=names),
        "stays_you_arranged": rows(
            Stay.objects.filter(Q(proposed_by=user) | Q(confirmed_by=user))
            .exclude(guest=user)
            .order_by("pk"),
            names=names,
            fields=(
                "id",
                "offer",
                "starts_on",
                "ends_on",
                "state",
                "proposed_by",
                "confirmed_by",
                "created_at",
            ),
        ),
        "check_ins": rows(CheckIn.objects.filter(recorded_by=user).order_by("pk"), names=names),
    }
