"""Demo lending library: a few things in Crown Heights, one of them a member's own ladder."""

from __future__ import annotations

from django.db import transaction

from mutualaid.groups.models import Group
from mutualaid.lending.models import Item, ItemCondition, Loan, LoanState
from mutualaid.members.models import Membership, Role


@transaction.atomic
def load() -> None:
    crown = Group.objects.filter(slug="crown-heights").first()
    if crown is None or Item.objects.filter(group=crown).exists():
        return
    member = (
        Membership.objects.filter(group=crown).exclude(role=Role.COORDINATOR).select_related("user").first()
    )
    rows = [
        (
            "Cordless drill",
            "18 V, two batteries and a charger; bits in the blue case.",
            ItemCondition.GOOD,
            7,
            None,
        ),
        (
            "Car seat (0-4 years)",
            "Rear-facing until 13 kg. Never in an accident.",
            ItemCondition.GOOD,
            30,
            None,
        ),
        ("Stroller", "Folds with one hand; the left brake sticks a little.", ItemCondition.WORN, 30, None),
        (
            "Step ladder, 2 m",
            "Aluminium, five steps.",
            ItemCondition.GOOD,
            7,
            member.user if member else None,
        ),
    ]
    items = []
    for name, description, condition, days, lender in rows:
        item = Item(group=crown, name=name, description=description, condition=condition, loan_days=days)
        item.lender = lender
        item.full_clean()
        item.save()
        items.append(item)
    if member is not None:
        Loan.objects.create(item=items[0], member=member.user, state=LoanState.READY)
