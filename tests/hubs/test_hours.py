"""Opening hours as people write them (English and Spanish day names), read back the same."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mutualaid.hubs import hours


def test_lines_of_days_and_ranges() -> None:
    week = hours.parse("Mon-Fri 9-12, 13:00-17:30\nsáb 10:00-14:00\ndom cerrado")
    assert week["0"] == week["4"] == ["09:00-12:00", "13:00-17:30"]
    assert week["5"] == ["10:00-14:00"] and week["6"] == []
    assert hours.parse("") == {}
    assert hours.parse("fri-mon 20:00-23:00")["6"] == ["20:00-23:00"]  # wraps over the weekend


@pytest.mark.parametrize("text", ["someday 9-5", "mon 17:00-09:00", "mon 25:00-26:00", "mon", "mon soon"])
def test_unreadable_lines_are_refused(text: str) -> None:
    with pytest.raises(hours.HoursError):
        hours.parse(text)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(
        st.integers(0, 6),
        st.lists(st.tuples(st.integers(0, 22), st.integers(1, 2)), max_size=2),
        min_size=1,
    )
)
def test_written_back_it_reads_the_same(spec: dict[int, list[tuple[int, int]]]) -> None:
    text = "\n".join(
        f"{hours.DAY_CODES[d]} " + (", ".join(f"{h:02d}:00-{h + n:02d}:00" for h, n in ranges) or "closed")
        for d, ranges in spec.items()
    )
    week = hours.parse(text)
    assert hours.parse(hours.unparse(week)) == week


def test_open_at() -> None:
    week = hours.parse("mon 09:00-17:00")
    monday = datetime.datetime(2030, 1, 7, 9, 0, tzinfo=datetime.UTC)
    assert hours.open_at(week, [], monday)
    assert not hours.open_at(week, [], monday.replace(hour=17))
    assert hours.open_at({}, [], monday.replace(hour=3))
    assert not hours.open_at({}, [(monday.date(), monday.date(), [])], monday)
