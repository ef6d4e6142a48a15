"""Who may read the impact page and its report: anyone once a coordinator made the page public (an
unlisted group's only to its members, as its public page), and the group's coordinators always (to see
it before they publish it)."""

from __future__ import annotations

from django.http import Http404

from mutualaid.core.access import coordinator_has_second_factor
from mutualaid.groups.access import get_listed_or_member_group
from mutualaid.groups.models import Group
from mutualaid.insights import impact
from mutualaid.members.models import Membership, Role, User


def is_coordinator(user: User, group: Group) -> bool:
    return bool(
        user.is_authenticated
        and Membership.objects.filter(user=user, group=group, role=Role.COORDINATOR).exists()
        and coordinator_has_second_factor(user)
    )


def get_group_for_impact(user: User, slug: str) -> tuple[Group, bool]:
    """The group and whether the reader is one of its coordinators; 404 while the page is private."""
    group = get_listed_or_member_group(user, slug)
    coordinator = is_coordinator(user, group)
    if not coordinator and not impact.is_public(group):
        raise Http404
    return group, coordinator
