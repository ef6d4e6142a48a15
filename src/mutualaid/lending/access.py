"""Access helpers for the lending library: the library is the group's own business (members only;
everyone else gets 404). Fetch an item or loan and check the asker may see it, in one call."""

from __future__ import annotations

from django.http import Http404

from mutualaid.groups.access import get_group_for_member
from mutualaid.lending.models import Item, Loan
from mutualaid.members.models import Membership, User


def get_item_for_member(user: User, slug: str, item_id: int) -> tuple[Item, Membership]:
    group, membership = get_group_for_member(user, slug)
    item = Item.objects.select_related("group", "lender").filter(group=group, pk=item_id).first()
    if item is None:
        raise Http404
    return item, membership


def get_loan_for_member(user: User, slug: str, loan_id: int) -> Loan:
    group, _membership = get_group_for_member(user, slug)
    loan = Loan.objects.select_related("item__group", "member").filter(item__group=group, pk=loan_id).first()
    if loan is None:
        raise Http404
    return loan
