"""Access helpers: fetch an object and check the asker may act on it, in one call.

Every view and API operation goes through these. A group someone is not a member of answers 404,
so outsiders cannot learn which private groups exist.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from mutualaid.core import rows
from mutualaid.core.access import SecondFactorRequired, coordinator_has_second_factor, require_second_factor
from mutualaid.groups.models import Group
from mutualaid.members.models import Membership, Role, User

__all__ = ["SecondFactorRequired", "coordinator_has_second_factor"]  # kept importable from here


def get_group_for_member(user: User, slug: str) -> tuple[Group, Membership]:
    """The group and the member's membership in it; 404 for anyone else.

    On every group page: one join by unique keys, written out (`core.rows`; the ORM took about 0.5 ms
    more of CPU building the same join on every view), read from the database each time."""
    if not user.is_authenticated:
        raise Http404
    found = rows.one_row(
        [(Membership, "m"), (Group, "g")],
        f"FROM {rows.table(Membership, 'm')} JOIN {rows.table(Group, 'g')} ON g.id = m.group_id "
        "WHERE m.user_id = %s AND g.slug = %s LIMIT 1",
        [user.pk, slug],
    )
    if found is None:
        raise Http404
    membership, group = found
    membership.group = group
    return group, membership


def get_group_for_coordinator(user: User, slug: str) -> tuple[Group, Membership]:
    group, membership = get_group_for_member(user, slug)
    if membership.role != Role.COORDINATOR:
        raise PermissionDenied
    require_second_factor(user)
    return group, membership


def get_membership_in_group(group: Group, membership_id: int) -> Membership:
    membership = (
        Membership.objects.select_related("user", "group").filter(group=group, pk=membership_id).first()
    )
    if membership is None:
        raise Http404
    return membership


def get_listed_or_member_group(user: User, slug: str) -> Group:
    """A group's public page: listed groups for everyone, unlisted ones only for their members."""
    group = Group.objects.filter(slug=slug).first()
    if group is None:
        raise Http404
    if not group.listed and not (
        user.is_authenticated and Membership.objects.filter(user=user, group=group).exists()
    ):
        raise Http404
    return group
