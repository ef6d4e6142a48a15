"""Recurrence in wall-clock time: a weekly 10:00 shift stays at 10:00 across daylight-saving changes."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mutualaid.shifts.recurrence import RuleError, parse_rule, starts

ZONES = [
    "America/New_York",
    "America/Los_Angeles",
    "Europe/Madrid",
    "Europe/London",
    "Australia/Sydney",
    "America/Santiago",
    "Pacific/Auckland",
]


@settings(max_examples=60, deadline=None)
@given(
    zone=st.sampled_from(ZONES),
    first=st.dates(min_value=datetime.date(2024, 1, 1), max_value=datetime.date(2030, 12, 31)),
    hour=st.integers(min_value=4, max_value=22),
    minute=st.sampled_from([0, 15, 30, 45]),
)
def test_weekly_shift_keeps_its_wall_clock_time_over_a_year(
    zone: str, first: datetime.date, hour: int, minute: int
) -> None:
    found = starts(
        rule="FREQ=WEEKLY",
        starts_on=first,
        start_time=datetime.time(hour, minute),
        time_zone=zone,
        start=first,
        end=first + datetime.timedelta(days=366),
    )
    assert len(found) in (53, 52)
    tz = ZoneInfo(zone)
    offsets = set()
    for at in found:
        local = at.astimezone(tz)
        assert (local.hour, local.minute) == (hour, minute)
        assert local.weekday() == first.weekday()
        offsets.add(local.utcoffset())
    # Every zone here changes its clocks, so a year of weeks crosses at least one change: the UTC time moved.
    assert len(offsets) == 2


def test_saturday_ten_oclock_around_new_york_spring_forward() -> None:
    found = starts(
        rule="FREQ=WEEKLY;BYDAY=SA",
        starts_on=datetime.date(2026, 3, 1),
        start_time=datetime.time(10),
        time_zone="America/New_York",
        start=datetime.date(2026, 3, 1),
        end=datetime.date(2026, 3, 15),
    )
    assert [at.isoformat() for at in found] == ["2026-03-07T15:00:00+00:00", "2026-03-14T14:00:00+00:00"]


def test_exdates_and_first_monday_and_until() -> None:
    found = starts(
        rule="FREQ=MONTHLY;BYDAY=1MO",
        starts_on=datetime.date(2026, 1, 1),
        start_time=datetime.time(18),
        time_zone="Europe/Madrid",
        start=datetime.date(2026, 1, 1),
        end=datetime.date(2026, 12, 31),
        until=datetime.date(2026, 6, 30),
        exdates=[datetime.date(2026, 4, 6)],
    )
    days = [at.astimezone(ZoneInfo("Europe/Madrid")).date().isoformat() for at in found]
    assert days == ["2026-01-05", "2026-02-02", "2026-03-02", "2026-05-04", "2026-06-01"]


def test_every_two_weeks() -> None:
    found = starts(
        rule="FREQ=WEEKLY;INTERVAL=2;BYDAY=TU",
        starts_on=datetime.date(2026, 1, 6),
        start_time=datetime.time(9),
        time_zone="UTC",
        start=datetime.date(2026, 1, 1),
        end=datetime.date(2026, 2, 28),
    )
    assert [at.date().isoformat() for at in found] == ["2026-01-06", "2026-01-20", "2026-02-03", "2026-02-17"]


def test_a_time_in_the_spring_gap_moves_forward_by_the_gap() -> None:
    found = starts(
        rule="FREQ=DAILY",
        starts_on=datetime.date(2026, 3, 8),
        start_time=datetime.time(2, 30),
        time_zone="America/New_York",
        start=datetime.date(2026, 3, 8),
        end=datetime.date(2026, 3, 8),
    )
    assert found[0].astimezone(ZoneInfo("America/New_York")).strftime("%H:%M") == "03:30"


@pytest.mark.parametrize(
    "rule", ["", "FREQ=HOURLY", "FREQ=MINUTELY", "BYDAY=SA", "FREQ=WEEKLY;BYDAY=XX", "FREQ=WEEKLY\nX-EVIL:1"]
)
def test_impossible_or_too_fine_rules_are_refused(rule: str) -> None:
    with pytest.raises(RuleError):
        parse_rule(rule, datetime.datetime(2026, 1, 1, 10))  # noqa: DTZ001 - wall-clock time, by design
