"""Writes for open data: a group's choice to publish its offers."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from mutualaid.groups.models import Group
from mutualaid.members.models import User
from mutualaid.opendata.models import Publishing


def publishing_of(group: Group) -> Publishing:
    """The group's publishing choices (the defaults, unsaved, when it never chose)."""
    return Publishing.objects.filter(group=group).first() or Publishing(group=group)


@transaction.atomic
def publishing_set(*, group: Group, actor: User, publish_offers: bool) -> Publishing:
    """A coordinator turns publishing the group's open offers (coarse form, ValueFlows) on or off."""
    publishing, _created = Publishing.objects.select_for_update().get_or_create(group=group)
    publishing.publish_offers = publish_offers
    publishing.changed_at = timezone.now()
    publishing.changed_by = actor
    publishing.full_clean()
    publishing.save()
    return publishing
