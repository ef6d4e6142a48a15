"""What peer links hold about a member, for their own download (core.export): referrals they decided
and acted on (which and when; a referral's details and contact are the neighbour's)."""

from __future__ import annotations

from typing import Any

from mutualaid.core.export import Names, rows
from mutualaid.peers.models import Referral, ReferralEvent


def personal_data(user: Any) -> dict[str, Any]:
    names = Names(user)
    return {
        "referrals_you_decided": rows(
            Referral.objects.filter(decided_by=user).order_by("pk"),
            names=names,
            fields=("id", "direction", "group", "post", "other_name", "state", "decided_at", "decided_by"),
        ),
        "referral_actions": rows(ReferralEvent.objects.filter(actor=user).order_by("at", "pk"), names=names),
    }
