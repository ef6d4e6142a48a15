"""Dates and times people type are kept within a range the program can compute with.

`9999-12-31T23:59:59-14:00` is a valid ISO time that no date arithmetic survives (converting it to UTC
overflows); `0001-01-01` as the next due day of a pledge cannot step back. Every date and time a member
types is checked with `in_range` before it is stored.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

EARLIEST = datetime.date(1900, 1, 1)
LATEST = datetime.date(2200, 12, 31)


def in_range(value: datetime.date | datetime.datetime | None) -> bool:
    """Whether a date, or an aware or naive time, lies between `EARLIEST` and `LATEST` (UTC)."""
    if value is None:
        return True
    try:
        if isinstance(value, datetime.datetime):
            day = value.astimezone(datetime.UTC).date() if value.tzinfo else value.date()
        else:
            day = value
    except (OverflowError, ValueError):
        return False
    return EARLIEST <= day <= LATEST


def validate_day(value: datetime.date | None) -> None:
    """A form field validator: a day between `EARLIEST` and `LATEST`."""
    if not in_range(value):
        raise ValidationError(_("Give a day between the years 1900 and 2200."), code="out_of_range")


def validate_time(value: datetime.datetime | None) -> None:
    """A form field validator: a time whose day (in UTC) lies between `EARLIEST` and `LATEST`."""
    if not in_range(value):
        raise ValidationError(_("Give a time between the years 1900 and 2200."), code="out_of_range")
