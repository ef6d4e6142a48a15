"""Reads about shifts, scoped to one group: calendar ranges, an occurrence's roles and people."""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from mutualaid.groups.models import Group
from mutualaid.members.models import User
from mutualaid.shifts.models import (
    Occurrence,
    OccurrenceStatus,
    Series,
    SeriesKind,
    ShiftRole,
    Signup,
    SignupState,
    Swap,
)
from mutualaid.shifts.recurrence import RuleError, zone


def occurrences_between(
    group: Group, start: datetime.datetime, end: datetime.datetime
) -> QuerySet[Occurrence]:
    return (
        Occurrence.objects.filter(series__group=group, starts_at__gte=start, starts_at__lt=end)
        .select_related("series")
        .order_by("starts_at", "pk")
    )


@dataclass
class Day:
    date: datetime.date
    in_month: bool
    html: str = ""  # the day's entries as links, built once here (a month can hold thousands)


def month_grid(group: Group, year: int, month: int, tz_name: str, mine: set[int]) -> list[list[Day]]:
    """Weeks (Monday first) covering the month, each day with its occurrences in local time."""
    tz = zone(tz_name)
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    first, last = weeks[0][0], weeks[-1][-1]
    return _grid(group, weeks, first, last, tz, month, mine)


def week_grid(group: Group, monday: datetime.date, tz_name: str, mine: set[int]) -> list[list[Day]]:
    days = [monday + datetime.timedelta(days=i) for i in range(7)]
    return _grid(group, [days], days[0], days[-1], zone(tz_name), None, mine)


def _grid(
    group: Group,
    weeks: list[list[datetime.date]],
    first: datetime.date,
    last: datetime.date,
    tz: Any,
    month: int | None,
    mine: set[int],
) -> list[list[Day]]:
    start = datetime.datetime.combine(first, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    # One reverse() for the whole grid, then string formatting: a template loop over thousands of
    # entries (each with a {% url %}) took most of a month view's time.
    base = reverse("shifts_occurrence", kwargs={"slug": group.slug, "occurrence_id": 0})[: -len("0/")]
    titles: dict[int, str] = {}
    by_day: dict[datetime.date, list[str]] = {}
    rows = occurrences_between(group, start, end).values_list(
        "pk",
        "starts_at",
        "status",
        "series_id",
        "series__title",
        "series__kind",
        "series__lead_id",
        "series__time_zone",
    )
    leads: dict[int, str] = {}
    zones: dict[str, Any] = {}
    for pk, starts_at, status, series_id, title, kind, lead_id, zone_name in rows:
        # Each shift at its own series' clock time (the grid's days follow the group's zone).
        if zone_name not in zones:
            try:
                zones[zone_name] = zone(zone_name)
            except RuleError:
                zones[zone_name] = tz
        local = starts_at.astimezone(zones[zone_name])
        safe_title = titles.get(series_id)
        if safe_title is None:
            safe_title = titles[series_id] = str(escape(title))
            if kind == SeriesKind.SKILL_SHARE:
                # A skill-share session reads as a class with its teacher, not as a volunteer shift.
                if lead_id is not None and lead_id not in leads:
                    leads[lead_id] = str(User.objects.filter(pk=lead_id).first() or "")
                teacher = leads.get(lead_id or 0, "")
                label = gettext("class with %(name)s") % {"name": teacher} if teacher else gettext("class")
                safe_title = titles[series_id] = f"{safe_title} ({escape(label)})"
        label = f"{local:%H:%M} {safe_title}"
        if status == OccurrenceStatus.CANCELLED:
            label = f"<s>{label}</s>"
        star = " ★" if pk in mine else ""
        by_day.setdefault(local.date(), []).append(f'<br><a href="{base}{pk}/">{label}</a>{star}')
    return [
        [
            Day(
                date=day,
                in_month=month is None or day.month == month,
                html=mark_safe("".join(by_day.get(day, ()))),  # noqa: S308 - titles are escaped above
            )
            for day in week
        ]
        for week in weeks
    ]


@dataclass
class RoleView:
    role: ShiftRole
    confirmed: list[Signup]
    waitlist: list[Signup]

    @property
    def free(self) -> int:
        return max(0, self.role.slots - len(self.confirmed))


def roles_of(occurrence: Occurrence) -> list[RoleView]:
    signups = list(
        Signup.objects.filter(
            occurrence=occurrence, state__in=(SignupState.CONFIRMED, SignupState.WAITLISTED)
        )
        .select_related("user")
        .order_by("created_at", "pk")
    )
    return [
        RoleView(
            role=role,
            confirmed=[s for s in signups if s.role_id == role.pk and s.state == SignupState.CONFIRMED],
            waitlist=[s for s in signups if s.role_id == role.pk and s.state == SignupState.WAITLISTED],
        )
        for role in occurrence.series.roles.all()
    ]


def my_signups(user: User, group: Group, now: datetime.datetime) -> QuerySet[Signup]:
    return (
        Signup.objects.filter(
            user=user,
            occurrence__series__group=group,
            state__in=(SignupState.CONFIRMED, SignupState.WAITLISTED),
            occurrence__ends_at__gt=now,
        )
        .select_related("occurrence__series", "role")
        .order_by("occurrence__starts_at")
    )


def swaps_for(user: User, group: Group) -> QuerySet[Swap]:
    return Swap.objects.filter(
        to_user=user,
        accepted__isnull=True,
        signup__occurrence__series__group=group,
        signup__state="confirmed",
    ).select_related("signup__occurrence__series", "signup__role", "signup__user")


def feed_signups(user: User, since: datetime.datetime) -> QuerySet[Signup]:
    return (
        Signup.objects.filter(user=user, state=SignupState.CONFIRMED, occurrence__ends_at__gt=since)
        .select_related("occurrence__series__group", "occurrence__series__lead", "role")
        .order_by("occurrence__starts_at")[:500]
    )


# Skill-shares -----------------------------------------------------------------------------------


@dataclass
class Session:
    """One coming skill-share session as its list shows it."""

    occurrence: Occurrence
    local: datetime.datetime
    seats: int
    taken: int
    waiting: int
    mine: Signup | None
    position: int | None = None  # the member's place on the waitlist, when they wait

    @property
    def seats_left(self) -> int:
        return max(0, self.seats - self.taken)


def skillshare_sessions(group: Group, user: User, now: datetime.datetime, limit: int = 60) -> list[Session]:
    """Coming sessions of the group's approved skill-shares, soonest first, with seats taken and the
    waitlist's length (counts only: who sits where is for the teacher's attendance page)."""
    occurrences = list(
        Occurrence.objects.filter(
            series__group=group,
            series__kind=SeriesKind.SKILL_SHARE,
            series__approved=True,
            ends_at__gt=now,
        )
        .select_related("series__lead")
        .prefetch_related("series__roles")
        .annotate(
            taken=Count("signups", filter=Q(signups__state=SignupState.CONFIRMED)),
            waiting=Count("signups", filter=Q(signups__state=SignupState.WAITLISTED)),
        )
        .order_by("starts_at", "pk")[:limit]
    )
    mine = {
        s.occurrence_id: s
        for s in Signup.objects.filter(
            user=user,
            occurrence__in=occurrences,
            state__in=(SignupState.CONFIRMED, SignupState.WAITLISTED),
        )
    }
    return [
        Session(
            occurrence=o,
            local=o.starts_at.astimezone(zone(o.series.time_zone)),
            seats=sum(r.slots for r in o.series.roles.all()),
            taken=o.taken,
            waiting=o.waiting,
            mine=mine.get(o.pk),
        )
        for o in occurrences
    ]


def skillshare_proposals(group: Group, user: User, *, coordinator: bool) -> QuerySet[Series]:
    """Proposals waiting for approval: all of them for a coordinator, a member's own otherwise."""
    pending = Series.objects.filter(group=group, kind=SeriesKind.SKILL_SHARE, approved=False).select_related(
        "lead"
    )
    return pending if coordinator else pending.filter(lead=user)


def skillshares_to_record(
    group: Group, user: User, now: datetime.datetime
) -> list[tuple[Occurrence, datetime.datetime]]:
    """Sessions `user` taught that started in the past two weeks (not cancelled): attendance to record."""
    occurrences = (
        Occurrence.objects.filter(
            series__group=group,
            series__kind=SeriesKind.SKILL_SHARE,
            series__lead=user,
            status=OccurrenceStatus.SCHEDULED,
            starts_at__lte=now,
            starts_at__gt=now - datetime.timedelta(days=14),
        )
        .select_related("series")
        .order_by("-starts_at")
    )
    return [(o, o.starts_at.astimezone(zone(o.series.time_zone))) for o in occurrences]
