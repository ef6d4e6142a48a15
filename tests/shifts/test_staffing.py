"""Staffing rules and reminders, run by the periodic job: cancel below the minimum, tell coordinators of
open places at the configured hours, remind volunteers with a one-tap "I can't make it" link."""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse

from mutualaid.channels.models import OutboundMessage
from mutualaid.core.registry import periodic_jobs
from mutualaid.shifts import services
from mutualaid.shifts.models import Signup
from tests.shifts.conftest import make_series, next_occurrence, role


def _email(*users: Any) -> None:
    for user in users:
        user.email = f"{user.username}@example.org"
        user.save(update_fields=["email"])


def test_the_jobs_are_registered() -> None:
    names = {p.name for p in periodic_jobs()}
    assert {"shifts.materialise", "shifts.staffing"} <= names


def test_fewer_than_the_minimum_cancels_and_tells_everyone(crown: Any, ada: Any, ben: Any, gus: Any) -> None:
    _email(ada, ben, gus)
    series = make_series(
        crown, roles=[{"name": "sorter", "slots": 3, "cancel_below": 2, "cancel_hours": 12}], alert_hours=[24]
    )
    occurrence = next_occurrence(series)
    services.signup_create(occurrence=occurrence, role=role(series, "sorter"), user=ben)
    early = services.check_staffing(occurrence.starts_at - datetime.timedelta(hours=13))
    assert early["cancelled"] == 0
    occurrence.refresh_from_db()
    assert occurrence.status == "scheduled"
    done = services.check_staffing(occurrence.starts_at - datetime.timedelta(hours=11))
    occurrence.refresh_from_db()
    assert done["cancelled"] == 1 and occurrence.status == "cancelled"
    told = OutboundMessage.objects.filter(kind="shift_cancelled")
    assert [m.user.username for m in told] == ["ben"]
    assert services.check_staffing(occurrence.starts_at - datetime.timedelta(hours=10))["cancelled"] == 0


def test_enough_people_keep_the_shift(crown: Any, ben: Any, gus: Any) -> None:
    series = make_series(crown, roles=[{"name": "sorter", "slots": 3, "cancel_below": 2, "cancel_hours": 12}])
    occurrence = next_occurrence(series)
    for user in (ben, gus):
        services.signup_create(occurrence=occurrence, role=role(series, "sorter"), user=user)
    services.check_staffing(occurrence.starts_at - datetime.timedelta(hours=11))
    occurrence.refresh_from_db()
    assert occurrence.status == "scheduled" and occurrence.cancel_checked


def test_coordinators_hear_what_is_still_needed_once_per_configured_time(
    crown: Any, ada: Any, ben: Any
) -> None:
    _email(ada, ben)
    series = make_series(crown, alert_hours=[24, 2], remind_hours=0)
    occurrence = next_occurrence(series)
    services.signup_create(occurrence=occurrence, role=role(series, "sorter"), user=ben)
    assert services.check_staffing(occurrence.starts_at - datetime.timedelta(hours=30))["alerts"] == 0
    assert services.check_staffing(occurrence.starts_at - datetime.timedelta(hours=23))["alerts"] == 1
    assert services.check_staffing(occurrence.starts_at - datetime.timedelta(hours=22))["alerts"] == 0
    assert services.check_staffing(occurrence.starts_at - datetime.timedelta(hours=1))["alerts"] == 1
    alerts = OutboundMessage.objects.filter(kind="shift_needs")
    assert [m.user.username for m in alerts] == ["ada", "ada"]  # coordinators only
    assert "still needs 1 driver, 2 sorter" in alerts[0].body
    assert "SECRET" not in alerts[0].body


def test_volunteers_are_reminded_with_a_link_that_frees_their_place(
    client_for: Any, pantry: Any, ben: Any, gus: Any
) -> None:
    _email(ben, gus)
    occurrence = next_occurrence(pantry)
    mine = services.signup_create(occurrence=occurrence, role=role(pantry, "driver"), user=ben)
    waiting = services.signup_create(occurrence=occurrence, role=role(pantry, "driver"), user=gus)
    done = services.check_staffing(occurrence.starts_at - datetime.timedelta(hours=23))
    assert done["reminders"] == 1
    assert services.check_staffing(occurrence.starts_at - datetime.timedelta(hours=22))["reminders"] == 0
    reminder = OutboundMessage.objects.get(kind="shift_reminder")
    assert reminder.user == ben
    path = reminder.body[reminder.body.index("/shifts/cant/") :].split()[0]
    anonymous = client_for(None)
    page = anonymous.get(path)
    assert page.status_code == 200 and b"Free my place" in page.content
    assert Signup.objects.get(pk=mine.pk).state == "confirmed"  # opening the link changes nothing
    freed = anonymous.post(path)
    assert freed.status_code == 200
    assert Signup.objects.get(pk=mine.pk).state == "dropped"
    assert Signup.objects.get(pk=waiting.pk).state == "confirmed"
    assert OutboundMessage.objects.filter(kind="shift_promoted", user=gus).exists()
    assert anonymous.post(path).status_code == 404  # used up
    assert (
        anonymous.get(reverse("shifts_cant", kwargs={"token": "x" + path.split("/")[-2]})).status_code == 404
    )
