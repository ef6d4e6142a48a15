"""Dates and times as sheets write them: day-first or month-first, written months, spreadsheet serials."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime, timedelta
from datetime import timezone as dt_timezone

from django.utils import timezone

from mutualaid.exchange.spreadsheet import normalise_header

# Dates ------------------------------------------------------------------------------------------------

_MONTHS = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
    "enero": 1,
    "febrero": 2,
    "marzo": 3,
    "abril": 4,
    "mayo": 5,
    "junio": 6,
    "julio": 7,
    "agosto": 8,
    "septiembre": 9,
    "setiembre": 9,
    "octubre": 10,
    "noviembre": 11,
    "diciembre": 12,
    "ene": 1,
    "abr": 4,
    "ago": 8,
    "dic": 12,
}
_WEEKDAYS = re.compile(
    r"\b(mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(day|nesday|urday|sday)?\b|"
    r"\b(lunes|martes|miercoles|jueves|viernes|sabado|domingo)\b"
)
_NUMERIC_DATE = re.compile(r"^(\d{1,4})[/.-](\d{1,2})[/.-](\d{2,4})\b")
_TIME = re.compile(r"(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?(?:\.\d+)?\s*(a\.?\s?m\.?|p\.?\s?m\.?)?(?![\d/])")
_OFFSET = re.compile(r"\s*(?:gmt|utc|z)\s*([+-]\d{1,2})(?::?(\d{2}))?\s*$|\s*(?:gmt|utc|z)\s*$")
_SLASHED = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-]\d{2,4}")
# Spreadsheet programs count days from 30 December 1899; numbers in this range are dates from 1954 to 2119.
_SERIAL = re.compile(r"^\d{5}(\.\d+)?$")


def day_first(values: list[str], headers: list[str]) -> bool:
    """Whether dates like 02/04/2020 are day first: decided by the column, then by the sheet's language."""
    for value in values:
        match = _SLASHED.match(value)
        if match and int(match.group(1)) > 12:
            return True
        if match and int(match.group(2)) > 12:
            return False
    spanish = {
        "marca temporal",
        "marca de tiempo",
        "fecha",
        "fecha y hora",
        "nombre",
        "telefono",
        "barrio",
        "estado",
        "fecha de envio",
        "fecha de solicitud",
        "correo",
        "correo electronico",
    }
    return any(normalise_header(h) in spanish for h in headers)


def _time_of(text: str) -> tuple[int, int, int] | None:
    """Hours, minutes, seconds of a time like 9:05:11, 9:05am, 21.30 or 9 PM; None when it is not one."""
    text = text.strip()
    if not text:
        return (0, 0, 0)
    match = _TIME.fullmatch(text.replace(".", ":", 1) if re.fullmatch(r"\d{1,2}\.\d{2}", text) else text)
    if match is None or (match.group(2) is None and match.group(4) is None):
        return None
    hour, minute, second = int(match.group(1)), int(match.group(2) or 0), int(match.group(3) or 0)
    meridiem = (match.group(4) or "").replace(".", "").replace(" ", "")
    if meridiem:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if meridiem == "pm" else 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    return hour, minute, second


def _year(text: str) -> int:
    year = int(text)
    if year < 100:
        year += 2000 if year < 70 else 1900
    return year


def parse_timestamp(cell: str, *, dayfirst: bool = False) -> datetime | None:
    """A date or date and time as spreadsheets write them: ISO 8601, 3/14/2026 9:05:11, 14/03/2026 (day first
    when the day is over 12, or when the column or sheet says so), March 14, 2026 9:05am, 14 de marzo de 2026,
    and spreadsheet serial numbers (46095.5). Naive values are in the server's time zone."""
    text = cell.strip()
    if not text:
        return None
    try:
        value: datetime | None = datetime.fromisoformat(
            text.replace("Z", "+00:00") if text.endswith("Z") else text
        )
    except ValueError:
        value = None
    if value is None and _SERIAL.match(text) and 20_000 <= float(text) <= 80_000:
        value = datetime(1899, 12, 30) + timedelta(days=float(text))  # noqa: DTZ001 - made aware just below
        value = value.replace(microsecond=0)
    if value is None:
        value = _parse_written_date(text, dayfirst)
    if value is None:
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _parse_written_date(text: str, dayfirst: bool) -> datetime | None:
    key = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower().strip()
    key = re.sub(r"\s*\([^)]*\)\s*$", "", key)  # "… GMT-0400 (Eastern Daylight Time)"
    tz = None
    offset = _OFFSET.search(key)
    if offset:
        if offset.group(1):
            minutes = int(offset.group(1)) * 60 + (
                int(offset.group(2) or 0) * (1 if offset.group(1)[0] != "-" else -1)
            )
            tz = dt_timezone(timedelta(minutes=minutes))
        else:
            tz = UTC
        key = key[: offset.start()]
    key = _WEEKDAYS.sub(" ", key)
    key = re.sub(r"\b(de|del|the|of|at|a las|las|a la)\b", " ", key)
    key = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", key)
    key = re.sub(r"\s+", " ", key.replace(",", " ")).strip()
    numeric = _NUMERIC_DATE.match(key)
    if numeric:
        a, b, c = numeric.groups()
        rest = key[numeric.end() :]
        if len(a) == 4:
            year, month, day = int(a), int(b), int(c)
        else:
            first, second = int(a), int(b)
            if first > 12 or (dayfirst and second <= 12):
                day, month = first, second
            else:
                month, day = first, second
            year = _year(c)
    else:
        key = re.sub(r"(?<=[a-z\d])[-.](?=[a-z])|(?<=[a-z])[-.]\s*(?=\d)", " ", key)
        named = re.match(r"^(?:(\d{1,2}) ([a-z]+)|([a-z]+) (\d{1,2})) (\d{4})\b", key)
        if named is None or (named.group(2) or named.group(3)) not in _MONTHS:
            return None
        month = _MONTHS[named.group(2) or named.group(3)]
        day, year = int(named.group(1) or named.group(4)), int(named.group(5))
        rest = key[named.end() :]
    clock = _time_of(rest.strip().lstrip("t"))
    if clock is None:
        return None
    try:
        return datetime(year, month, day, *clock, tzinfo=tz)
    except ValueError:
        return None
