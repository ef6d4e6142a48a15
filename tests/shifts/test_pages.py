"""The pages: calendar views, creating a series, signing up and dropping out, attendance and outcomes,
the private calendar feed; the exact address only for people signed up; no-shows only for coordinators."""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from mutualaid.shifts import services
from mutualaid.shifts.models import Occurrence, Series, Signup
from tests.shifts.conftest import next_occurrence, role


def test_month_and_week_views_list_the_occurrences(client_for: Any, pantry: Any, ben: Any) -> None:
    occurrence = next_occurrence(pantry)
    day = occurrence.starts_at.date().isoformat()
    client = client_for(ben)
    for view in ("month", "week"):
        page = client.get(reverse("shifts_calendar", kwargs={"slug": "crown"}), {"view": view, "day": day})
        assert page.status_code == 200
        assert (
            reverse("shifts_occurrence", kwargs={"slug": "crown", "occurrence_id": occurrence.pk}).encode()
            in page.content
        )
        assert b"<script>" not in page.content and b" style=" not in page.content
    assert (
        client.get(reverse("shifts_calendar", kwargs={"slug": "crown"}), {"day": "nonsense"}).status_code
        == 200
    )


def test_coordinator_creates_a_series_with_roles(client_for: Any, crown: Any, ada: Any) -> None:
    page = client_for(ada).post(
        reverse("shifts_series_new", kwargs={"slug": "crown"}),
        {
            "title": "Fridge restock",
            "starts_on": (timezone.localdate() + datetime.timedelta(days=1)).isoformat(),
            "start_time": "09:00",
            "duration_minutes": "60",
            "repeat": "monthly",
            "time_zone": "Europe/Madrid",
            "alert_hours": "24, 2",
            "remind_hours": "24",
            "roles": "restocker: 2\ndriver: 1",
        },
    )
    series = next(s for s in Series.objects.all() if s.title == "Fridge restock")  # titles are sealed
    assert page.status_code == 302
    assert series.rule.startswith("FREQ=MONTHLY;BYDAY=") and series.alert_hours == [24, 2]
    assert [(r.name, r.slots) for r in series.roles.all()] == [("restocker", 2), ("driver", 1)]
    assert series.occurrences.exists()


def test_bad_series_input_shows_field_errors_and_writes_nothing(
    client_for: Any, crown: Any, ada: Any
) -> None:
    page = client_for(ada).post(
        reverse("shifts_series_new", kwargs={"slug": "crown"}),
        {
            "title": "X",
            "starts_on": "2030-01-10",
            "until": "2030-01-01",
            "start_time": "09:00",
            "duration_minutes": "0",
            "repeat": "weekly",
            "remind_hours": "24",
            "roles": "drivers two",
        },
    )
    assert page.status_code == 400
    assert b"name: places" in page.content
    assert not Series.objects.exists()


def test_sign_up_drop_and_address_visibility(client_for: Any, pantry: Any, ben: Any, gus: Any) -> None:
    occurrence = next_occurrence(pantry)
    url = reverse("shifts_occurrence", kwargs={"slug": "crown", "occurrence_id": occurrence.pk})
    client = client_for(ben)
    assert b"SECRET-ADDRESS" not in client.get(url).content
    client.post(
        reverse("shifts_signup", kwargs={"slug": "crown", "occurrence_id": occurrence.pk}),
        {"role": role(pantry, "driver").pk},
    )
    assert b"SECRET-ADDRESS" in client.get(url).content
    client_for(gus).post(
        reverse("shifts_signup", kwargs={"slug": "crown", "occurrence_id": occurrence.pk}),
        {"role": role(pantry, "driver").pk},
    )
    waiting = client_for(gus).get(url)
    assert b"number 1 on the waitlist" in waiting.content and b"SECRET-ADDRESS" not in waiting.content
    mine = Signup.objects.get(user=ben)
    client.post(reverse("shifts_drop", kwargs={"slug": "crown", "signup_id": mine.pk}))
    assert Signup.objects.get(user=gus).state == "confirmed"
    assert b"SECRET-ADDRESS" in client_for(gus).get(url).content


def test_attendance_and_outcomes_no_shows_for_coordinators_only(
    client_for: Any, pantry: Any, ada: Any, ben: Any, gus: Any
) -> None:
    occurrence = next_occurrence(pantry)
    for user in (ben, gus):
        services.signup_create(occurrence=occurrence, role=role(pantry, "sorter"), user=user)
    Occurrence.objects.filter(pk=occurrence.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=1),
        ends_at=timezone.now() + datetime.timedelta(hours=1),
    )
    services.series_update(series=pantry, lead=ben)
    lead = client_for(ben)
    ben_signup, gus_signup = Signup.objects.get(user=ben), Signup.objects.get(user=gus)
    done = lead.post(
        reverse("shifts_attendance", kwargs={"slug": "crown", "occurrence_id": occurrence.pk}),
        {f"came-{ben_signup.pk}": "yes"},
    )
    assert done.status_code == 302
    assert Signup.objects.get(pk=gus_signup.pk).attended is False
    lead.post(
        reverse("shifts_outcome", kwargs={"slug": "crown", "occurrence_id": occurrence.pk}),
        {"households_served": "42", "kilograms": "300", "notes": "SEALED-NOTE"},
    )
    occurrence.refresh_from_db()
    assert occurrence.households_served == 42 and occurrence.notes == "SEALED-NOTE"
    assert (
        client_for(gus)
        .get(reverse("shifts_attendance", kwargs={"slug": "crown", "occurrence_id": occurrence.pk}))
        .status_code
        == 403
    )
    member_view = client_for(gus).get(
        reverse("shifts_occurrence", kwargs={"slug": "crown", "occurrence_id": occurrence.pk})
    )
    assert b"42 households served" in member_view.content and b"SEALED-NOTE" not in member_view.content
    api = client_for(ada)
    assert (
        api.get(
            reverse("shifts_attendance", kwargs={"slug": "crown", "occurrence_id": occurrence.pk})
        ).status_code
        == 200
    )


def test_no_shows_in_the_api_only_for_coordinators(api_for: Any, pantry: Any, ada: Any, ben: Any) -> None:
    occurrence = next_occurrence(pantry)
    signup = services.signup_create(occurrence=occurrence, role=role(pantry, "sorter"), user=ben)
    Signup.objects.filter(pk=signup.pk).update(attended=False)
    url = reverse("api:shifts_occurrence_detail", kwargs={"slug": "crown", "occurrence_id": occurrence.pk})
    as_member = api_for(ben).get(url).json()
    as_coordinator = api_for(ada).get(url).json()
    sorter = next(r for r in as_member["roles"] if r["name"] == "sorter")
    assert sorter["confirmed"][0]["attended"] is None
    sorter = next(r for r in as_coordinator["roles"] if r["name"] == "sorter")
    assert sorter["confirmed"][0]["attended"] is False
    assert as_member["address"] == "SECRET-ADDRESS 12 Main St"  # ben is signed up
    assert as_coordinator["address"] == "SECRET-ADDRESS 12 Main St"


def test_private_feed_lists_my_shifts_and_can_be_revoked(client_for: Any, pantry: Any, ben: Any) -> None:
    occurrence = next_occurrence(pantry)
    services.signup_create(occurrence=occurrence, role=role(pantry, "driver"), user=ben)
    client = client_for(ben)
    page = client.post(reverse("shifts_feed_page"), {"action": "create"})
    link = page.content.decode().split("<code>")[1].split("</code>")[0]
    path = link[link.index("/shifts/calendar/") :]
    feed = client_for(None).get(path)
    assert feed.status_code == 200 and feed["Content-Type"].startswith("text/calendar")
    events = list(Calendar.from_ical(feed.content).walk("VEVENT"))
    assert len(events) == 1 and "Saturday pantry (driver)" in str(events[0]["summary"])
    assert events[0]["dtstart"].dt == occurrence.starts_at
    client.post(reverse("shifts_feed_page"), {"action": "revoke"})
    assert client_for(None).get(path).status_code == 404


def test_api_parity_sign_up_waitlist_drop(api_for: Any, pantry: Any, ben: Any, gus: Any) -> None:
    occurrence = next_occurrence(pantry)
    url = reverse("api:shifts_signup_create", kwargs={"slug": "crown", "occurrence_id": occurrence.pk})
    driver = role(pantry, "driver").pk
    first = api_for(ben).post(url, {"role_id": driver}, content_type="application/json")
    second = api_for(gus).post(url, {"role_id": driver}, content_type="application/json")
    assert first.status_code == 201 and first.json()["state"] == "confirmed"
    assert second.json()["state"] == "waitlisted" and second.json()["waitlist_position"] == 1
    again = api_for(ben).post(url, {"role_id": driver}, content_type="application/json")
    assert again.status_code == 422 and "already signed up" in again.content.decode()
    drop = api_for(ben).delete(
        reverse("api:shifts_signup_drop", kwargs={"slug": "crown", "signup_id": first.json()["id"]})
    )
    assert drop.json()["state"] == "dropped"
    mine = api_for(gus).get(reverse("api:shifts_signups_mine", kwargs={"slug": "crown"})).json()
    assert mine[0]["state"] == "confirmed"
