"""A skill-share's teacher (or a coordinator) rewrites its description, on the page and through the API;
a skill-share session reads as a class with its teacher on the occurrence page, the calendar, the
calendar feed and the notices, never as a volunteer shift."""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.urls import reverse

from mutualaid.shifts import services
from mutualaid.shifts.models import Series
from tests.shifts.test_skillshares import propose


def test_teacher_and_coordinator_edit_the_description_others_cannot(
    client_for: Any, crown: Any, ada: Any, ben: Any, fay: Any
) -> None:
    series = propose(crown, fay, by_coordinator=True)
    url = reverse("shifts_skillshare_edit", args=["crown", series.pk])
    assert client_for(ben).get(url).status_code == 403
    assert client_for(ben).post(url, {"description": "hijack"}).status_code == 403
    page = client_for(fay).get(url)
    assert page.status_code == 200 and "SECRET-DESCRIPTION" in page.content.decode()
    too_long = client_for(fay).post(url, {"description": "x" * 2001})
    assert too_long.status_code == 400
    assert client_for(fay).post(url, {"description": "Bring a lamp\nand a screwdriver"}).status_code == 302
    assert Series.objects.get(pk=series.pk).description == "Bring a lamp\nand a screwdriver"
    assert client_for(ada).post(url, {"description": "Bring a kettle"}).status_code == 302
    assert Series.objects.get(pk=series.pk).description == "Bring a kettle"
    listed = client_for(ben).get(reverse("shifts_skillshares", args=["crown"])).content.decode()
    assert "Bring a kettle" in listed and url not in listed  # ben sees it, but no edit link
    assert url in client_for(fay).get(reverse("shifts_skillshares", args=["crown"])).content.decode()


def test_description_through_the_api(
    api_for: Any, crown: Any, ada: Any, ben: Any, fay: Any, pantry: Any
) -> None:
    series = propose(crown, fay, by_coordinator=True)
    url = f"/api/v1/groups/crown/shifts/skillshares/{series.pk}/description"
    body = {"description": "Tools provided"}
    assert api_for(ben).put(url, body, content_type="application/json").status_code == 403
    answer = api_for(fay).put(url, body, content_type="application/json")
    assert answer.status_code == 200 and answer.json()["description"] == "Tools provided"
    assert Series.objects.get(pk=series.pk).description == "Tools provided"
    shift = f"/api/v1/groups/crown/shifts/skillshares/{pantry.pk}/description"
    assert api_for(ada).put(shift, body, content_type="application/json").status_code == 404


def test_a_session_reads_as_a_class_with_its_teacher(
    client_for: Any, crown: Any, ada: Any, ben: Any, fay: Any
) -> None:
    series = propose(crown, fay, by_coordinator=True)
    occurrence = series.occurrences.get()
    services.signup_create(occurrence=occurrence, role=services.seat_role(series), user=ben)
    page = client_for(ben).get(reverse("shifts_occurrence", args=["crown", occurrence.pk])).content.decode()
    assert "A skill-share session, taught by Fay" in page
    assert "You have a seat." in page and "signed up as seat" not in page
    assert "Roles" not in page
    day = occurrence.starts_at.date().isoformat()
    month = client_for(ben).get(reverse("shifts_calendar", args=["crown"]) + f"?day={day}").content.decode()
    assert "Repair café (class with Fay)" in month
    feed = client_for(ben).get(reverse("shifts_feed_page"))
    assert feed.status_code == 200
    from mutualaid.shifts import calendar_feed

    ical = calendar_feed.for_member(ben).decode()
    assert "Repair café (class with Fay)" in ical and "(seat)" not in ical


def test_session_notices_name_the_class_and_its_teacher(crown: Any, ada: Any, ben: Any, fay: Any) -> None:
    from mutualaid.channels.models import Notice

    series = propose(crown, fay, by_coordinator=True, seats=1)
    occurrence = series.occurrences.get()
    seat = services.signup_create(occurrence=occurrence, role=services.seat_role(series), user=ben)
    services.signup_create(occurrence=occurrence, role=services.seat_role(series), user=ada)
    services.signup_drop(signup=seat)
    promoted = Notice.objects.get(user=ada, kind="skillshare_promoted")
    assert json.loads(promoted.context)["name"] == "Fay"
    services.check_staffing(now=occurrence.starts_at - datetime.timedelta(hours=2))
    assert Notice.objects.filter(user=ada, kind="skillshare_reminder").count() == 1
    assert not Notice.objects.filter(kind__startswith="shift_").exists()


def test_a_shift_keeps_its_shift_words(client_for: Any, crown: Any, ada: Any, pantry: Any) -> None:
    from tests.shifts.conftest import next_occurrence

    occurrence = next_occurrence(pantry)
    page = client_for(ada).get(reverse("shifts_occurrence", args=["crown", occurrence.pk])).content.decode()
    assert "Roles" in page and "skill-share session" not in page
