"""Occurrence times of a recurring shift: RFC 5545 rules (python-dateutil) in wall-clock time.

Pure: imports nothing from Django. The rule runs over naive local date-times (the shift's wall clock),
and each result is then placed in the shift's time zone, so a weekly 10:00 shift stays at 10:00 on
both sides of a daylight-saving change. A wall-clock time that does not exist on a spring-forward day
(02:30 in most of Europe and America) moves forward by the gap, as RFC 5545 says.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.rrule import rrule, rruleset, rrulestr

ALLOWED_FREQUENCIES = {"DAILY", "WEEKLY", "MONTHLY", "YEARLY"}
UTC = datetime.UTC


class RuleError(ValueError):
    """The rule text is not an RFC 5545 RRULE this app accepts."""


def parse_rule(rule: str, dtstart: datetime.datetime) -> rrule:
    text = rule.strip().removeprefix("RRULE:")
    if not text or "\n" in text or len(text) > 200:
        raise RuleError(text)
    try:
        parsed = rrulestr(text, dtstart=dtstart, ignoretz=True)
    except (ValueError, TypeError) as exc:
        raise RuleError(text) from exc
    parts = dict(part.split("=", 1) for part in text.upper().split(";") if "=" in part)
    if not isinstance(parsed, rrule) or parts.get("FREQ") not in ALLOWED_FREQUENCIES:
        raise RuleError(text)
    return parsed


def zone(name: str) -> ZoneInfo:
    if not name or len(name) > 64:
        raise RuleError(name)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:  # OSError: "America" is a directory
        raise RuleError(name) from exc


def to_utc(local: datetime.datetime, tz: ZoneInfo) -> datetime.datetime:
    """A naive wall-clock time in `tz` as an aware UTC time (gaps move forward, folds take the first)."""
    # PEP 495: fold=0 reads a time in a gap with the offset before the change, i.e. later by the gap.
    return local.replace(tzinfo=tz, fold=0).astimezone(UTC)


def starts(
    *,
    rule: str,
    starts_on: datetime.date,
    start_time: datetime.time,
    time_zone: str,
    start: datetime.date,
    end: datetime.date,
    until: datetime.date | None = None,
    exdates: Iterable[datetime.date] = (),
) -> list[datetime.datetime]:
    """The UTC start of every occurrence on a local day in [start, end] (each is also the occurrence's
    recurrence id: a one-off change later moves only its stored start)."""
    tz = zone(time_zone)
    dtstart = datetime.datetime.combine(starts_on, start_time)
    rules = rruleset()
    rules.rrule(parse_rule(rule, dtstart))
    for day in exdates:
        rules.exdate(datetime.datetime.combine(day, start_time))
    last = min(end, until) if until else end
    window_start = datetime.datetime.combine(max(start, starts_on), datetime.time.min)
    window_end = datetime.datetime.combine(last, datetime.time.max)
    return [to_utc(local, tz) for local in rules.between(window_start, window_end, inc=True)]
