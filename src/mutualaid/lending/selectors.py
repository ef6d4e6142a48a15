"""Reads for the lending library, scoped to what the asker may see: every member sees the items, their
state and their own place in line; the holder's and waiting members' names are for coordinators and
the item's lender only."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from mutualaid.groups.models import Group
from mutualaid.lending import services
from mutualaid.lending.models import HOLDING_STATES, Item, Loan, LoanState, Repair
from mutualaid.members.models import User


def items(group: Group) -> QuerySet[Item]:
    return (
        Item.objects.filter(group=group)
        .defer("photo")
        .select_related("lender")
        .prefetch_related(
            Prefetch("loans", queryset=Loan.objects.filter(state__in=HOLDING_STATES), to_attr="holding")
        )
        .order_by("-in_circulation", "pk")
    )


def status(item: Item) -> str:
    holding = getattr(item, "holding", None)
    if holding is None:
        holding = list(item.loans.filter(state__in=HOLDING_STATES))
    if not item.in_circulation:
        return "out_of_circulation"
    if not holding:
        return "available"
    return "on_loan" if holding[0].state == LoanState.OUT else "held"


@dataclass
class ItemView:
    item: Item
    status: str
    manager: bool
    holder: Loan | None
    mine: Loan | None
    my_position: int | None
    waitlist: list[Loan] = field(default_factory=list)
    repairs: list[Repair] = field(default_factory=list)


def item_view(item: Item, user: User) -> ItemView:
    open_loans = list(
        item.loans.filter(state__in=[LoanState.WAITING, *HOLDING_STATES])
        .select_related("member")
        .order_by("requested_at", "pk")
    )
    holder = next((loan for loan in open_loans if loan.state in HOLDING_STATES), None)
    waitlist = [loan for loan in open_loans if loan.state == LoanState.WAITING]
    mine = next((loan for loan in open_loans if loan.member_id == user.pk), None)
    position = next((i + 1 for i, loan in enumerate(waitlist) if loan.member_id == user.pk), None)
    manager = services.can_manage(user, item)
    item.holding = [holder] if holder else []  # type: ignore[attr-defined]
    return ItemView(
        item=item,
        status=status(item),
        manager=manager,
        holder=holder,
        mine=mine,
        my_position=position,
        waitlist=waitlist if manager else [],
        repairs=list(item.repairs.select_related("recorded_by")[:20]) if manager else [],
    )


def my_loans(group: Group, user: User) -> QuerySet[Loan]:
    return (
        Loan.objects.filter(item__group=group, member=user, state__in=[LoanState.WAITING, *HOLDING_STATES])
        .select_related("item")
        .order_by("requested_at")
    )
