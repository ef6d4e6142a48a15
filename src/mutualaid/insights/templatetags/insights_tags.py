from __future__ import annotations

from django import template

from mutualaid.groups.models import Group
from mutualaid.insights import impact

register = template.Library()


@register.simple_tag
def impact_is_public(group: Group) -> bool:
    """Whether the group's impact page is public (for the link on its public page)."""
    return impact.is_public(group)
