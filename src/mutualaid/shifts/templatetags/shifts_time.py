"""Shift, class and slot times shown in their own series' or day's time zone.

Django's `date` and `time` filters first convert an aware datetime to the *current* time zone (the
server's, UTC by default), so a New York shift at 10:00 would read 15:00. `zoned` formats the value
in its own zone instead: pass it a datetime already moved to the series' zone (`astimezone`), or use
`in_zone` with the zone's name first.
"""

from __future__ import annotations

import datetime

from django import template
from django.utils.formats import date_format

from mutualaid.core.templatetags.mutualaid import named_format
from mutualaid.shifts.recurrence import zone

register = template.Library()


@register.filter(expects_localtime=False)
def zoned(value: datetime.datetime | None, fmt: str = "WEEKDAY_DAY_TIME_FORMAT") -> str:
    """Format `value` in its own time zone (never the server's). `fmt` names one of the language's formats
    (``MONTH_DAY_FORMAT``, ``WEEKDAY_DAY_TIME_FORMAT``…), or is a literal one that reads the same in every
    language ("H:i")."""
    if not isinstance(value, datetime.datetime):
        return ""
    return date_format(value, named_format(fmt) if fmt.endswith("_FORMAT") else fmt)


@register.filter(expects_localtime=False)
def in_zone(value: datetime.datetime | None, name: str) -> datetime.datetime | None:
    """`value` moved to the time zone called `name` (e.g. a series' `time_zone`)."""
    if not isinstance(value, datetime.datetime):
        return None
    return value.astimezone(zone(name))
