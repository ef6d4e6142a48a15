"""Reads for members, scoped to the asker."""

from __future__ import annotations

from django.db.models import QuerySet

from mutualaid.members.models import Membership, User


def groups_of(user: User) -> QuerySet[Membership]:
    """The member's memberships with their groups, by group name."""
    return Membership.objects.filter(user=user).select_related("group").order_by("group__name")
