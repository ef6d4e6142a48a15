from __future__ import annotations

from typing import Any

from django import template
from django.utils.dates import WEEKDAYS

from mutualaid.hubs.selectors import checked_ago

register = template.Library()


@register.simple_tag
def hub_checked(hub: Any) -> str:
    """ "checked 3 hours ago" for a hub (escaped by the template like any string)."""
    return checked_ago(hub.last_report_at)


@register.filter
def weekday_name(day: int) -> str:
    return str(WEEKDAYS[int(day)])
