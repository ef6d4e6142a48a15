"""Distribution days with time slots: setting a day up, booking (members, coordinators for a neighbour),
the line when a slot is full, cancelling, check-in and walk-ins, reminders and the no-show release;
the pages and the API."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mutualaid.channels.models import OutboundMessage
from mutualaid.core.registry import periodic_jobs
from mutualaid.shifts import distribution
from mutualaid.shifts.models import HOLDS_PLACE, DaySlot, SlotBooking
from mutualaid.shifts.recurrence import zone
from tests.channels.conftest import http_server, twilio  # noqa: F401 - fixtures
from tests.helpers import without_random
from tests.shifts.conftest import member


def make_day(group: Any, **extra: Any) -> Any:
    spec: dict[str, Any] = {
        "group": group,
        "title": "Pantry day",
        "date": timezone.localdate() + datetime.timedelta(days=3),
        "first_slot": datetime.time(10, 0),
        "slot_minutes": 15,
        "slot_count": 4,
        "households_per_slot": 2,
        "area": "Crown Heights hub",
        "address": "SECRET-ADDRESS 12 Main St",
        "time_zone": "America/New_York",
    }
    spec.update(extra)
    return distribution.day_create(**spec)


def slots(day: Any) -> list[Any]:
    return list(day.slots.order_by("starts_at"))


def held(slot: Any) -> int:
    return SlotBooking.objects.filter(slot=slot, state__in=HOLDS_PLACE).count()


def _email(*users: Any) -> None:
    for user in users:
        user.email = f"{user.username}@example.org"
        user.save(update_fields=["email"])


def test_a_day_is_cut_into_slots_in_its_own_time_zone(crown: Any) -> None:
    day = make_day(crown, slot_count=3, slot_minutes=20)
    starts = [s.starts_at.astimezone(zone("America/New_York")) for s in slots(day)]
    assert [f"{s:%H:%M}" for s in starts] == ["10:00", "10:20", "10:40"]
    assert all(s.capacity == 2 for s in slots(day))
    assert all(s.ends_at - s.starts_at == datetime.timedelta(minutes=20) for s in slots(day))


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"slot_count": 0}, "slot_count"),
        ({"households_per_slot": 0}, "households_per_slot"),
        ({"slot_minutes": 2}, "slot_minutes"),
        ({"first_slot": datetime.time(23, 0), "slot_count": 8}, "slot_count"),  # past midnight
        ({"date": datetime.date(2000, 1, 1)}, "date"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"title": "  "}, "title"),
    ],
)
def test_impossible_days_are_refused_with_a_field_error(
    crown: Any, extra: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        make_day(crown, **extra)
    assert field in caught.value.message_dict
    assert not DaySlot.objects.exists()


def test_booking_fills_a_slot_then_people_wait_in_line_and_move_up_in_order(
    crown: Any, ada: Any, ben: Any, fay: Any
) -> None:
    _email(ben, fay)
    gus = member(crown, "gus")
    first = slots(make_day(crown))[0]
    assert distribution.book(slot=first, user=ben).state == "booked"
    assert distribution.book(slot=first, user=ada).state == "booked"
    waiting_fay = distribution.book(slot=first, user=fay)
    waiting_gus = distribution.book(slot=first, user=gus)
    assert (waiting_fay.state, waiting_gus.state) == ("waiting", "waiting")
    assert held(first) == 2
    with pytest.raises(ValidationError):
        distribution.book(slot=first, user=member(crown, "hal"), wait=False)
    ben_booking = SlotBooking.objects.get(user=ben)
    promoted = distribution.cancel(booking=ben_booking)
    assert promoted is not None and promoted.pk == waiting_fay.pk  # first in line first
    waiting_fay.refresh_from_db()
    waiting_gus.refresh_from_db()
    assert (waiting_fay.state, waiting_gus.state) == ("booked", "waiting")
    assert held(first) == 2
    told = OutboundMessage.objects.filter(kind="slot_promoted")
    assert [m.user.username for m in told] == ["fay"]
    assert "SECRET-ADDRESS" not in told.get().body


def test_one_booking_per_person_per_day_and_no_past_slots(crown: Any, ben: Any) -> None:
    day = make_day(crown)
    distribution.book(slot=slots(day)[0], user=ben)
    with pytest.raises(ValidationError, match="already a booking"):
        distribution.book(slot=slots(day)[1], user=ben)
    phone = "(347) 555-0150"
    distribution.book(slot=slots(day)[0], name="Rosa", phone=phone, source="coordinator")
    with pytest.raises(ValidationError, match="already a booking"):
        distribution.book(slot=slots(day)[2], phone="+1 347 555 0150", source="coordinator")
    past = make_day(crown, date=timezone.localdate(), first_slot=datetime.time(0, 0), time_zone="UTC")
    if slots(past)[0].starts_at <= timezone.now():
        with pytest.raises(ValidationError, match="already started"):
            distribution.book(slot=slots(past)[0], user=ben)


@pytest.mark.usefixtures("twilio")
def test_a_neighbour_booked_by_a_coordinator_is_sealed_and_texted(crown: Any, ada: Any) -> None:
    day = make_day(crown)
    booking = distribution.book(
        slot=slots(day)[1],
        name="Rosa",
        phone="347-555-0150",
        language="es",
        source="coordinator",
        booked_by=ada,
    )
    assert (booking.phone, booking.name, booking.language) == ("+13475550150", "Rosa", "es")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT name, phone FROM shifts_slotbooking WHERE id = %s", [booking.pk])
        raw = cursor.fetchone()
    assert "Rosa" not in without_random(raw[0]) and "5550150" not in raw[1]
    text = OutboundMessage.objects.get(kind="notification")
    assert text.recipient == "+13475550150"
    assert "TURNO NO" in text.body  # in the neighbour's language: Spanish
    assert "Rosa" not in text.body


def test_check_in_walk_ins_and_capacity(crown: Any, ada: Any, ben: Any) -> None:
    first = slots(make_day(crown))[0]
    booking = distribution.book(slot=first, user=ben)
    assert distribution.check_in(booking=booking).state == "checked_in"
    with pytest.raises(ValidationError, match="Already"):
        distribution.check_in(booking=booking)
    walk = distribution.walk_in(slot=first, by=ada, name="Walk-in Joe")
    assert (walk.state, walk.source) == ("walk_in", "walk_in")
    with pytest.raises(ValidationError, match="full"):
        distribution.walk_in(slot=first, by=ada)
    assert held(first) == 2


def test_no_shows_are_released_after_the_grace_period_and_the_next_in_line_is_told(
    crown: Any, ada: Any, ben: Any, fay: Any
) -> None:
    _email(fay)
    day = make_day(crown, households_per_slot=1, grace_minutes=10)
    first = slots(day)[0]
    ben_booking = distribution.book(slot=first, user=ben)
    fay_waiting = distribution.book(slot=first, user=fay)
    early = distribution.release_no_shows(first.starts_at + datetime.timedelta(minutes=9))
    assert early == {"released": 0, "promoted": 0}
    ben_booking.refresh_from_db()
    assert ben_booking.state == "booked"
    # The periodic job runs during the slot: move the slot so that it started 11 minutes ago.
    first.starts_at, first.ends_at = (
        timezone.now() - datetime.timedelta(minutes=11),
        timezone.now() + datetime.timedelta(minutes=4),
    )
    first.save()
    done = distribution.release_no_shows(timezone.now())
    assert done == {"released": 1, "promoted": 1}
    ben_booking.refresh_from_db()
    fay_waiting.refresh_from_db()
    assert (ben_booking.state, fay_waiting.state) == ("released", "booked")
    assert OutboundMessage.objects.filter(kind="slot_promoted", user=fay).count() == 1
    # Once per slot; ben arriving late cannot take a place that is no longer free.
    assert distribution.release_no_shows(timezone.now()) == {"released": 0, "promoted": 0}
    with pytest.raises(ValidationError, match="walk-in"):
        distribution.check_in(booking=ben_booking)


def test_reminders_go_once_within_the_window(crown: Any, ben: Any) -> None:
    _email(ben)
    first = slots(make_day(crown, remind_hours=3))[0]
    distribution.book(slot=first, user=ben)
    assert distribution.remind(first.starts_at - datetime.timedelta(hours=4)) == 0
    assert distribution.remind(first.starts_at - datetime.timedelta(hours=2)) == 1
    assert distribution.remind(first.starts_at - datetime.timedelta(hours=1)) == 0
    reminder = OutboundMessage.objects.get(kind="slot_reminder")
    assert reminder.user == ben


def test_the_periodic_job_is_registered() -> None:
    assert "shifts.slots" in {p.name for p in periodic_jobs()}


def test_cancelling_a_day_tells_everyone(crown: Any, ben: Any) -> None:
    _email(ben)
    day = make_day(crown)
    distribution.book(slot=slots(day)[0], user=ben)
    assert distribution.day_cancel(day=day) == 1
    assert OutboundMessage.objects.filter(kind="slot_day_cancelled", user=ben).count() == 1
    with pytest.raises(ValidationError):
        distribution.book(slot=slots(day)[1], user=member(crown, "gus"))


# Capacity invariant -------------------------------------------------------------------------------

OPERATIONS = st.lists(
    st.tuples(st.sampled_from(["book", "cancel", "walk_in", "check_in"]), st.integers(0, 7)),
    min_size=1,
    max_size=25,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(capacity=st.integers(1, 3), operations=OPERATIONS)
def test_a_slot_never_holds_more_than_its_capacity_and_the_line_moves_in_order(
    crown: Any, ada: Any, capacity: int, operations: list[tuple[str, int]]
) -> None:
    SlotBooking.objects.all().delete()
    day = make_day(crown, slot_count=1, households_per_slot=capacity)
    slot = slots(day)[0]
    people = [member(crown, f"p{day.pk}x{n}") for n in range(8)]
    for operation, who in operations:
        mine = SlotBooking.objects.filter(slot=slot, user=people[who]).exclude(state="cancelled").first()
        try:
            if operation == "book":
                distribution.book(slot=slot, user=people[who], tell=False)
            elif operation == "cancel" and mine is not None:
                distribution.cancel(booking=mine)
            elif operation == "walk_in":
                distribution.walk_in(slot=slot, by=ada)
            elif operation == "check_in" and mine is not None:
                distribution.check_in(booking=mine)
        except ValidationError:
            pass
        holding = held(slot)
        waiting = list(SlotBooking.objects.filter(slot=slot, state="waiting").order_by("created_at", "pk"))
        assert holding <= capacity
        # Nobody waits while a place is free (the line moves up on every cancel).
        assert not waiting or holding == capacity
    day.delete()


# Pages and API ------------------------------------------------------------------------------------


def test_member_books_and_frees_a_slot_on_the_page(crown: Any, ben: Any, client_for: Any) -> None:
    day = make_day(crown)
    client = client_for(ben)
    page = client.get(reverse("shifts_day", kwargs={"slug": crown.slug, "day_id": day.pk}))
    assert page.status_code == 200
    assert "SECRET-ADDRESS" not in page.content.decode()
    slot = slots(day)[1]
    response = client.post(
        reverse("shifts_day_book", kwargs={"slug": crown.slug, "day_id": day.pk}), {"slot": slot.pk}
    )
    assert response.status_code == 302
    booking = SlotBooking.objects.get(user=ben)
    assert booking.slot == slot and booking.state == "booked"
    page = client.get(reverse("shifts_day", kwargs={"slug": crown.slug, "day_id": day.pk})).content.decode()
    assert "SECRET-ADDRESS 12 Main St" in page and "free my place" in page
    client.post(reverse("shifts_booking_cancel", kwargs={"slug": crown.slug, "booking_id": booking.pk}))
    booking.refresh_from_db()
    assert booking.state == "cancelled"


def test_coordinator_books_for_a_neighbour_and_checks_in_on_the_phone_page(
    crown: Any, ada: Any, client_for: Any
) -> None:
    day = make_day(crown)
    client = client_for(ada)
    url = reverse("shifts_day_neighbour", kwargs={"slug": crown.slug, "day_id": day.pk})
    bad = client.post(url, {"slot": slots(day)[0].pk, "name": "", "phone": "12", "language": "en"})
    assert bad.status_code == 400 and "7 to 15 digits" in bad.content.decode()
    assert not SlotBooking.objects.exists()
    client.post(url, {"slot": slots(day)[0].pk, "name": "Rosa", "phone": "", "language": "es"})
    booking = SlotBooking.objects.get()
    assert (booking.name, booking.source, booking.booked_by) == ("Rosa", "coordinator", ada)
    checkin = reverse("shifts_day_checkin", kwargs={"slug": crown.slug, "day_id": day.pk})
    assert "Rosa" in client.get(checkin).content.decode()
    client.post(reverse("shifts_booking_checkin", kwargs={"slug": crown.slug, "booking_id": booking.pk}))
    booking.refresh_from_db()
    assert booking.state == "checked_in"
    client.post(
        reverse("shifts_day_walkin", kwargs={"slug": crown.slug, "day_id": day.pk}),
        {"slot": slots(day)[0].pk, "name": ""},
    )
    assert SlotBooking.objects.filter(state="walk_in").count() == 1


def test_api_parity(crown: Any, ada: Any, ben: Any, api_for: Any) -> None:
    coordinator, neighbour = api_for(ada), api_for(ben)
    base = f"/api/v1/groups/{crown.slug}/shifts"
    date = (timezone.localdate() + datetime.timedelta(days=5)).isoformat()
    made = coordinator.post(
        f"{base}/days",
        {
            "title": "Free store",
            "date": date,
            "first_slot": "09:00",
            "slot_count": 2,
            "households_per_slot": 1,
        },
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    day_id = made.json()["id"]
    detail = neighbour.get(f"{base}/days/{day_id}").json()
    assert [s["free"] for s in detail["slots"]] == [1, 1] and detail["address"] is None
    slot_id = detail["slots"][0]["id"]
    booked = neighbour.post(
        f"{base}/days/{day_id}/bookings", {"slot_id": slot_id}, content_type="application/json"
    )
    assert booked.status_code == 201 and booked.json()["state"] == "booked"
    line = coordinator.post(
        f"{base}/days/{day_id}/neighbour-bookings",
        {"slot_id": slot_id, "name": "Rosa"},
        content_type="application/json",
    )
    assert line.json()["state"] == "waiting"
    again = neighbour.post(
        f"{base}/days/{day_id}/bookings", {"slot_id": slot_id}, content_type="application/json"
    )
    assert again.status_code == 422
    listing = coordinator.get(f"{base}/days/{day_id}/check-in").json()
    assert [b["state"] for b in listing[0]["bookings"]] == ["booked", "waiting"]
    assert listing[0]["bookings"][1]["name"] == "Rosa"
    cancelled = neighbour.post(f"{base}/bookings/{booked.json()['id']}/cancel")
    assert cancelled.json()["state"] == "cancelled"
    assert SlotBooking.objects.get(pk=line.json()["id"]).state == "booked"
    checked = coordinator.post(f"{base}/bookings/{line.json()['id']}/check-in")
    assert checked.json()["state"] == "checked_in"
    full = coordinator.post(
        f"{base}/days/{day_id}/walk-ins", {"slot_id": slot_id}, content_type="application/json"
    )
    assert full.status_code == 422
