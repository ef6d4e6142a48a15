"""Opening hours as people write them, and the question "is it open now?". No Django models.

Written one line per group of days: "mon-fri 09:00-18:00", "sat 10:00-14:00, 16:00-18:00",
"sun closed"; Spanish day names work too ("lun-vie 9:00-18:00"). Nothing written means open at any
time (a fridge on the street). Stored as {"0": ["09:00-18:00"], …} by weekday, Monday 0; a day that
is missing is closed.
"""

from __future__ import annotations

import datetime
import re
import unicodedata

DAYS = {
    "mon": 0, "monday": 0, "lun": 0, "lunes": 0,
    "tue": 1, "tuesday": 1, "mar": 1, "martes": 1,
    "wed": 2, "wednesday": 2, "mie": 2, "miercoles": 2,
    "thu": 3, "thursday": 3, "jue": 3, "jueves": 3,
    "fri": 4, "friday": 4, "vie": 4, "viernes": 4,
    "sat": 5, "saturday": 5, "sab": 5, "sabado": 5,
    "sun": 6, "sunday": 6, "dom": 6, "domingo": 6,
}  # fmt: skip
DAY_CODES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_RANGE = re.compile(r"^(\d{1,2})(?::(\d{2}))?\s*-\s*(\d{1,2})(?::(\d{2}))?$")
_CLOSED = {"closed", "cerrado", "-"}


class HoursError(ValueError):
    """A line of opening hours that cannot be read; `line` is its number, from 1."""

    def __init__(self, line: int, text: str) -> None:
        super().__init__(f"line {line}: {text!r}")
        self.line = line
        self.text = text


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).strip(" .:")


def _day(text: str) -> int | None:
    return DAYS.get(_fold(text))


def parse_ranges(text: str) -> list[str]:
    """ "09:00-12:00, 13:00-17:00" → ["09:00-12:00", "13:00-17:00"]; ValueError when unreadable."""
    found = []
    for part in re.split(r"[,;]|\s+y\s+|\s+and\s+", text):
        part = part.strip()
        if not part:
            continue
        match = _RANGE.match(part)
        if not match:
            raise ValueError(part)
        h1, m1, h2, m2 = (int(v or 0) for v in match.groups())
        if not (0 <= h1 <= 24 and 0 <= h2 <= 24 and m1 < 60 and m2 < 60):
            raise ValueError(part)
        start, end = h1 * 60 + m1, h2 * 60 + m2
        if end <= start or end > 24 * 60:
            raise ValueError(part)
        found.append(f"{h1:02d}:{m1:02d}-{h2:02d}:{m2:02d}")
    return found


def parse(text: str) -> dict[str, list[str]]:
    """The weekly hours written on lines; {} when nothing is written (open at any time)."""
    week: dict[str, list[str]] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        head, _sep, rest = line.partition(" ")
        first, _dash, last = head.partition("-")
        start, end = _day(first), _day(last) if last else _day(first)
        if start is None or end is None:
            raise HoursError(number, line)
        days = list(range(start, end + 1)) if start <= end else [*range(start, 7), *range(0, end + 1)]
        rest = rest.strip()
        try:
            ranges = [] if _fold(rest) in _CLOSED else parse_ranges(rest)
        except ValueError:
            raise HoursError(number, line) from None
        if not ranges and _fold(rest) not in _CLOSED:
            raise HoursError(number, line)
        for day in days:
            week[str(day)] = ranges
    if week:
        for day in range(7):
            week.setdefault(str(day), [])
    return week


def unparse(week: dict[str, list[str]]) -> str:
    """The stored hours written back as lines (what the edit form shows)."""
    if not week:
        return ""
    return "\n".join(f"{DAY_CODES[day]} {', '.join(week.get(str(day), [])) or 'closed'}" for day in range(7))


def _minutes(text: str) -> tuple[int, int]:
    start, end = text.split("-")
    h1, m1 = start.split(":")
    h2, m2 = end.split(":")
    return int(h1) * 60 + int(m1), int(h2) * 60 + int(m2)


def open_at(
    week: dict[str, list[str]],
    closures: list[tuple[datetime.date, datetime.date, list[str]]],
    when: datetime.datetime,
) -> bool:
    """Whether a hub is open at local time `when`: a closure on that day wins over the weekly hours."""
    day = when.date()
    ranges: list[str] | None = None
    for starts_on, ends_on, special in closures:
        if starts_on <= day <= ends_on:
            ranges = special
            break
    if ranges is None:
        if not week:
            return True
        ranges = week.get(str(day.weekday()), [])
    minute = when.hour * 60 + when.minute
    return any(start <= minute < end for start, end in map(_minutes, ranges))
