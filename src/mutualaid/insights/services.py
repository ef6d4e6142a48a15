"""Writes for insights: a group's choice to publish its impact page."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from mutualaid.groups.models import Group
from mutualaid.insights.models import ImpactPage
from mutualaid.members.models import User


def impact_page_of(group: Group) -> ImpactPage:
    """The group's choice (the default, private and unsaved, when it never chose)."""
    return ImpactPage.objects.filter(group=group).first() or ImpactPage(group=group)


@transaction.atomic
def impact_page_set(*, group: Group, actor: User, public: bool) -> ImpactPage:
    """A coordinator makes the group's impact page (and its report) public, or private again."""
    page, _created = ImpactPage.objects.select_for_update().get_or_create(group=group)
    page.public = public
    page.changed_at = timezone.now()
    page.changed_by = actor
    page.full_clean()
    page.save()
    return page
