"""Access helpers for funds: fetch a fund or a request and check the asker may see or act on it.

A fund or request someone may not see answers 404, like a group they are not in. Coordinators-only
funds are hidden from members altogether; coordinator actions go through get_group_for_coordinator,
which enforces the second factor.
"""

from __future__ import annotations

from django.http import Http404

from mutualaid.core.access import SecondFactorRequired, coordinator_has_second_factor
from mutualaid.funds.models import Fund, Receipt, Request, Visibility
from mutualaid.groups.access import get_group_for_coordinator, get_group_for_member
from mutualaid.members.models import Membership, User


def _fund_in(group_id: int, fund_id: int) -> Fund:
    fund = Fund.objects.select_related("group").filter(group_id=group_id, pk=fund_id).first()
    if fund is None:
        raise Http404
    return fund


def _require_coordinator_view(user: User, membership: Membership) -> None:
    if not membership.is_coordinator:
        raise Http404
    if not coordinator_has_second_factor(user):
        raise SecondFactorRequired


def get_fund_for_member(user: User, slug: str, fund_id: int) -> tuple[Fund, Membership]:
    group, membership = get_group_for_member(user, slug)
    fund = _fund_in(group.pk, fund_id)
    if fund.visibility == Visibility.COORDINATORS:
        _require_coordinator_view(user, membership)
    return fund, membership


def get_fund_for_coordinator(user: User, slug: str, fund_id: int) -> tuple[Fund, Membership]:
    group, membership = get_group_for_coordinator(user, slug)
    return _fund_in(group.pk, fund_id), membership


def get_fund_for_transparency(user: User, slug: str, fund_id: int) -> Fund:
    """Public funds' transparency pages are open to everyone, without an account; others as the fund says."""
    fund = Fund.objects.select_related("group").filter(group__slug=slug, pk=fund_id).first()
    if fund is None:
        raise Http404
    if fund.visibility == Visibility.PUBLIC:
        return fund
    fund, _membership = get_fund_for_member(user, slug, fund_id)
    return fund


def may_see_request(user: User, membership: Membership, request: Request) -> bool:
    """The requester, the group's coordinators, and members when the fund lets members approve."""
    if request.requested_by_id == user.pk:
        return True
    if membership.is_coordinator:
        return True
    return request.fund.members_may_approve()


def get_request_for_viewer(user: User, slug: str, request_id: int) -> tuple[Request, Membership]:
    group, membership = get_group_for_member(user, slug)
    request = (
        Request.objects.select_related("fund", "fund__group", "requested_by")
        .filter(fund__group=group, pk=request_id)
        .first()
    )
    if request is None or not may_see_request(user, membership, request):
        raise Http404
    if (
        request.requested_by_id != user.pk
        and membership.is_coordinator
        and not coordinator_has_second_factor(user)
    ):
        raise SecondFactorRequired
    if request.fund.visibility == Visibility.COORDINATORS and request.requested_by_id != user.pk:
        _require_coordinator_view(user, membership)
    return request, membership


def get_own_request(user: User, slug: str, request_id: int) -> Request:
    """A request its requester acts on (withdraw): anyone else gets 404."""
    request, _membership = get_request_for_viewer(user, slug, request_id)
    if request.requested_by_id != user.pk:
        raise Http404
    return request


def get_receipt_for_viewer(
    user: User, slug: str, request_id: int, receipt_id: int
) -> tuple[Request, Receipt]:
    """A receipt of a request the asker may see (the caller audits the read of its content)."""
    request, _membership = get_request_for_viewer(user, slug, request_id)
    receipt = Receipt.objects.filter(request=request, pk=receipt_id).first()
    if receipt is None:
        raise Http404
    return request, receipt


def get_request_for_receipt_upload(user: User, slug: str, request_id: int) -> Request:
    """The requester attaches receipts to their own request; coordinators (with a second factor) to any."""
    request, _membership = get_request_for_viewer(user, slug, request_id)
    if request.requested_by_id != user.pk:
        request, _membership = get_request_for_coordinator(user, slug, request_id)
    return request


def get_request_for_coordinator(user: User, slug: str, request_id: int) -> tuple[Request, Membership]:
    group, membership = get_group_for_coordinator(user, slug)
    request = (
        Request.objects.select_related("fund", "fund__group").filter(fund__group=group, pk=request_id).first()
    )
    if request is None:
        raise Http404
    return request, membership
