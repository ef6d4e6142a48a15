"""What the lending library holds about a member, for their own download (core.export): items they lend,
their loans, repairs they noted, and loans they handed out or took back (when and which item only)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from mutualaid.core.export import Names, rows
from mutualaid.lending.models import Item, Loan, Repair


def personal_data(user: Any) -> dict[str, Any]:
    names = Names(user)
    return {
        "items": rows(Item.objects.filter(lender=user).order_by("pk"), names=names),
        "loans": rows(Loan.objects.filter(member=user).order_by("pk"), names=names),
        "loans_you_handled": rows(
            Loan.objects.filter(Q(lent_by=user) | Q(returned_to=user)).exclude(member=user).order_by("pk"),
            names=names,
            fields=("id", "item", "state", "lent_at", "closed_at", "lent_by", "returned_to"),
        ),
        "repairs": rows(Repair.objects.filter(recorded_by=user).order_by("pk"), names=names),
    }
