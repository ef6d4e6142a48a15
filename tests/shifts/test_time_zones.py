"""Times of shifts, classes and distribution slots read in their own series' or day's time zone on a
server that runs in UTC: the pages, the booking message, the notices, the text messages, the check-in
roster and the calendar feed all say the same clock time, also across a daylight-saving change."""

from __future__ import annotations

import datetime
import itertools
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from icalendar import Calendar

from mutualaid.channels.models import OutboundMessage
from mutualaid.shifts import calendar_feed, distribution, notices, services
from mutualaid.shifts.models import SeriesKind
from mutualaid.shifts.recurrence import zone
from tests.channels.conftest import http_server, twilio  # noqa: F401 - fixtures
from tests.shifts.conftest import make_series, next_occurrence, role
from tests.shifts.test_distribution_sms import texts

NEW_YORK = zone("America/New_York")


@pytest.fixture(autouse=True)
def _utc_server(settings: Any) -> None:
    settings.TIME_ZONE = "UTC"


def _email(user: Any) -> None:
    user.email = f"{user.username}@example.org"
    user.save(update_fields=["email"])


def test_a_new_york_shift_reads_10_00_everywhere(client_for: Any, crown: Any, ben: Any, ada: Any) -> None:
    pantry = make_series(crown)  # Saturdays 10:00-13:00, America/New_York
    occurrence = next_occurrence(pantry)
    local = occurrence.starts_at.astimezone(NEW_YORK)
    assert (local.hour, occurrence.starts_at.hour) in ((10, 15), (10, 14))  # 15:00 or 14:00 UTC
    utc = f"{occurrence.starts_at:%H:%M}"
    day = date_format(local, "DATE_FORMAT")
    client = client_for(ben)

    page = client.get(reverse("shifts_occurrence", kwargs={"slug": "crown", "occurrence_id": occurrence.pk}))
    assert f"{day}, 10:00\u201313:00" in page.content.decode()
    assert utc not in page.content.decode()

    page = client.get(reverse("shifts_series", kwargs={"slug": "crown", "series_id": pantry.pk}))
    assert f"{date_format(local, 'D j M')}, 10:00</a>" in page.content.decode()
    assert utc not in page.content.decode()

    page = client.get(reverse("shifts_calendar", kwargs={"slug": "crown"}), {"day": local.date().isoformat()})
    assert "10:00 Saturday pantry" in page.content.decode()

    _email(ben)
    signup = services.signup_create(occurrence=occurrence, role=role(pantry, "sorter"), user=ben)
    page = client.get(reverse("shifts_mine", kwargs={"slug": "crown"}))
    assert f"{date_format(local, 'D j M')}, 10:00 · Saturday pantry" in page.content.decode()
    notices.reminder(signup, "https://example.org/cant")
    reminder = OutboundMessage.objects.get(kind="shift_reminder", user=ben)
    assert f"Saturday pantry, {date_format(local, 'D j M')}, 10:00" in reminder.body

    feed = Calendar.from_ical(calendar_feed.for_member(ben))
    (event,) = feed.walk("VEVENT")
    assert event["dtstart"].dt == occurrence.starts_at and event["dtstart"].dt.hour == 10
    assert event["dtstart"].params["TZID"] == "America/New_York" and feed.walk("VTIMEZONE")


def test_across_a_daylight_saving_change_the_clock_time_stays(client_for: Any, crown: Any, ben: Any) -> None:
    pantry = make_series(crown)
    services.materialise(series=pantry, horizon_days=400)  # a year always holds a change
    occurrences = list(pantry.occurrences.filter(starts_at__gt=timezone.now()).order_by("starts_at"))
    before, after = next(
        (a, b)
        for a, b in itertools.pairwise(occurrences)
        if a.starts_at.astimezone(NEW_YORK).utcoffset() != b.starts_at.astimezone(NEW_YORK).utcoffset()
    )
    assert before.starts_at.hour != after.starts_at.hour  # in UTC the shift moves by an hour
    client = client_for(ben)
    for occurrence in (before, after):
        page = client.get(
            reverse("shifts_occurrence", kwargs={"slug": "crown", "occurrence_id": occurrence.pk})
        ).content.decode()
        assert ", 10:00\u201313:00</strong>" in page
        month = client.get(
            reverse("shifts_calendar", kwargs={"slug": "crown"}),
            {"day": occurrence.starts_at.astimezone(NEW_YORK).date().isoformat()},
        ).content.decode()
        assert f'{occurrence.pk}/">10:00 Saturday pantry</a>' in month


def test_a_new_york_distribution_day_reads_its_own_slot_times(
    client_for: Any, crown: Any, ben: Any, ada: Any
) -> None:
    _email(ben)
    day = distribution.day_create(
        group=crown,
        title="Pantry day",
        date=timezone.localdate() + datetime.timedelta(days=3),
        first_slot=datetime.time(10, 0),
        slot_minutes=20,
        slot_count=3,
        households_per_slot=2,
        area="Crown Heights hub",
        time_zone="America/New_York",
    )
    second = day.slots.order_by("starts_at")[1]
    local = second.starts_at.astimezone(NEW_YORK)
    utc = f"{second.starts_at:%H:%M}"
    client = client_for(ben)
    url = reverse("shifts_day", kwargs={"slug": "crown", "day_id": day.pk})
    page = client.get(url).content.decode()
    assert "<h3>10:20 " in page and "Book 10:20" in page and f"<h3>{utc} " not in page

    response = client.post(
        reverse("shifts_day_book", kwargs={"slug": "crown", "day_id": day.pk}), {"slot": second.pk}
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "You have a place at 10:20." in page
    booked = OutboundMessage.objects.get(kind="slot_booked", user=ben)
    assert f"{date_format(local, 'D j M')}, 10:20 Pantry day" in booked.body

    roster = client_for(ada).get(reverse("shifts_day_checkin", kwargs={"slug": "crown", "day_id": day.pk}))
    assert "<h2>10:20 " in roster.content.decode() and f"<h2>{utc} " not in roster.content.decode()


@pytest.mark.usefixtures("twilio")
def test_the_slot_text_message_says_the_days_own_time(client: Any, crown: Any) -> None:
    distribution.day_create(
        group=crown,
        title="Pantry day",
        date=timezone.localdate() + datetime.timedelta(days=2),
        first_slot=datetime.time(10, 0),
        slot_minutes=15,
        slot_count=2,
        households_per_slot=1,
        area="Crown Heights hub",
        time_zone="America/New_York",
    )
    (listing,) = texts(client, "SLOT")
    assert "10:00 Pantry day" in listing and "10:15 Pantry day" in listing
    assert "15:00" not in listing and "14:00" not in listing


def test_a_skill_share_reads_its_own_time_on_the_list(client_for: Any, crown: Any, ben: Any) -> None:
    share = make_series(
        crown,
        title="Repair café",
        kind=SeriesKind.SKILL_SHARE,
        start_time=datetime.time(14, 0),
        duration_minutes=120,
        lead=ben,
        roles=[{"name": "seat", "slots": 8}],
    )
    local = next_occurrence(share).starts_at.astimezone(NEW_YORK)
    page = client_for(ben).get(reverse("shifts_skillshares", kwargs={"slug": "crown"})).content.decode()
    assert f"{date_format(local, 'D j M')}, 14:00" in page
    assert (
        f"{date_format(local, 'D j M')}, 19:00" not in page
        and f"{date_format(local, 'D j M')}, 18:00" not in page
    )


def test_attendance_waits_for_the_shift_to_start(client_for: Any, crown: Any, ada: Any) -> None:
    pantry = make_series(crown)
    occurrence = next_occurrence(pantry)
    url = reverse("shifts_attendance", kwargs={"slug": "crown", "occurrence_id": occurrence.pk})
    client = client_for(ada)
    page = client.get(url)
    assert page.status_code == 200
    assert "Attendance is recorded once the shift has started." in page.content.decode()
    assert 'type="checkbox"' not in page.content.decode()
    early = client.post(url, {})
    assert early.status_code == 200
    assert "Attendance is recorded once the shift has started." in early.content.decode()
    assert 'type="checkbox"' not in early.content.decode()
