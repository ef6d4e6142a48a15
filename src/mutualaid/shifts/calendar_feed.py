"""A member's private iCalendar feed (RFC 5545) of the shifts they are signed up for."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext
from icalendar import Calendar, Event

from mutualaid.core.speaking import speaking
from mutualaid.members.models import User
from mutualaid.shifts import selectors
from mutualaid.shifts.models import OccurrenceStatus, SeriesKind
from mutualaid.shifts.recurrence import zone


def for_member(user: User) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//mutualaid//shifts//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "mutualaid shifts")
    since = timezone.now() - datetime.timedelta(days=30)
    for signup in selectors.feed_signups(user, since):
        occurrence = signup.occurrence
        series = occurrence.series
        event = Event()
        event.add("uid", f"shift-{occurrence.pk}-{signup.pk}@mutualaid")
        event.add("dtstamp", timezone.now())
        # In the series' own zone (TZID, with its VTIMEZONE below), as the pages and notices show it.
        tz = zone(series.time_zone)
        event.add("dtstart", occurrence.starts_at.astimezone(tz))
        event.add("dtend", occurrence.ends_at.astimezone(tz))
        if series.kind == SeriesKind.SKILL_SHARE:
            # A seat at a class with its teacher, not a volunteer shift's role.
            with speaking(user.language):
                what = (
                    gettext("class with %(name)s") % {"name": series.lead}
                    if series.lead_id
                    else gettext("class")
                )
        else:
            what = signup.role.name
        event.add("summary", f"{series.title} ({what}) · {series.group.name}")
        event.add("location", series.address or series.area)
        if occurrence.status == OccurrenceStatus.CANCELLED:
            event.add("status", "CANCELLED")
        else:
            event.add("status", "CONFIRMED")
        cal.add_component(event)
    cal.add_missing_timezones()
    return bytes(cal.to_ical())
