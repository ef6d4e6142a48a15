"""Access helpers for hubs: fetch a hub and check the asker may see or change it, in one call.

A public hub is public: anyone may see it and report on it. A members-only hub exists only for the
members of its group (everyone else gets 404). Coordinators (with a second factor) change hubs.
"""

from __future__ import annotations

from django.http import Http404

from mutualaid.groups.access import get_group_for_coordinator, get_group_for_member
from mutualaid.hubs.models import Closure, Hub, Report
from mutualaid.members.models import Membership, User


def membership_in(user: User, group_id: int) -> Membership | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(user=user, group_id=group_id).first()


def get_hub_for_viewer(user: User, slug: str, hub_id: int) -> tuple[Hub, Membership | None]:
    hub = Hub.objects.select_related("group", "restock_post").filter(group__slug=slug, pk=hub_id).first()
    if hub is None:
        raise Http404
    membership = membership_in(user, hub.group_id)
    if membership is None and not (hub.public and hub.active):
        raise Http404
    return hub, membership


def get_hub_for_coordinator(user: User, slug: str, hub_id: int) -> Hub:
    group, _membership = get_group_for_coordinator(user, slug)
    hub = Hub.objects.select_related("group").filter(group=group, pk=hub_id).first()
    if hub is None:
        raise Http404
    return hub


def get_closure_for_coordinator(user: User, slug: str, closure_id: int) -> Closure:
    group, _membership = get_group_for_coordinator(user, slug)
    closure = Closure.objects.select_related("hub__group").filter(hub__group=group, pk=closure_id).first()
    if closure is None:
        raise Http404
    return closure


def get_report_photo(user: User, slug: str, report_id: int) -> Report:
    report = (
        Report.objects.select_related("hub__group")
        .filter(hub__group__slug=slug, pk=report_id)
        .exclude(photo="")
        .first()
    )
    if report is None:
        raise Http404
    get_hub_for_viewer(user, slug, report.hub_id)
    return report


def get_hub_for_member(user: User, slug: str, hub_id: int) -> tuple[Hub, Membership]:
    """Stock is the group's own business: members only, public hub or not."""
    group, membership = get_group_for_member(user, slug)
    hub = Hub.objects.select_related("group").filter(group=group, pk=hub_id).first()
    if hub is None:
        raise Http404
    return hub, membership
