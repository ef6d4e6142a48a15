"""Access rows for shifts: the calendar, series and roles, occurrences, sign-ups, swaps, attendance and
outcomes (lead or coordinators), the private calendar feed, the "I can't make it" link, and the API."""

from __future__ import annotations

import datetime
from typing import Any

from tests.access import Route, World, crown_slug

COORDINATOR = "login 404 404 403 ok"
MEMBER = "login 404 404 ok ok"
OWN = "login 404 404 ok 404"  # ben's own sign-up, standing or swap
API_COORDINATOR = "401 404 404 403 ok"
API_MEMBER = "401 404 404 ok ok"
ANYONE = "ok ok ok ok ok"


def build(world: World) -> None:
    from django.utils import timezone

    from mutualaid.shifts import services
    from mutualaid.shifts.models import Occurrence

    ada, ben = world.users["ada"], world.users["ben"]
    series = services.series_create(
        group=world.crown,
        title="Saturday pantry",
        rule="FREQ=WEEKLY;BYDAY=SA",
        # From tomorrow: on a Saturday after 10:00, today's occurrence would be in the past (no sign-up).
        starts_on=timezone.localdate() + datetime.timedelta(days=1),
        start_time=datetime.time(10),
        duration_minutes=120,
        address="12 Main St",
        roles=[{"name": "driver", "slots": 2}, {"name": "sorter", "slots": 3}],
    )
    first, second, third = list(series.occurrences.order_by("starts_at")[:3])
    driver = series.roles.get(name="driver")
    ben_signup = services.signup_create(occurrence=first, role=driver, user=ben)
    ada_signup = services.signup_create(occurrence=third, role=driver, user=ada)
    swap = services.swap_ask(signup=ada_signup, to_user=ben)
    standing = services.standing_create(
        series=series, role=series.roles.get(name="sorter"), user=ben, until=timezone.localdate()
    )
    from mutualaid.shifts import distribution

    first_aid = services.role_add(series=series, name="first aid", slots=1, skill="first_aid")
    tomorrow = timezone.localdate() + datetime.timedelta(days=2)
    day_spec: dict[str, Any] = {
        "group": world.crown,
        "date": tomorrow,
        "first_slot": datetime.time(10),
        "slot_minutes": 15,
        "slot_count": 4,
        "households_per_slot": 2,
        "time_zone": "UTC",
    }
    day = distribution.day_create(title="Pantry day", **day_spec)
    free_day = distribution.day_create(title="Free store", **day_spec)
    day_slots = list(day.slots.order_by("starts_at"))
    ben_booking = distribution.book(slot=day_slots[0], user=ben)
    neighbour_booking = distribution.book(
        slot=day_slots[1], name="Rosa", phone="+13475550150", source="coordinator", booked_by=ada
    )
    skillshare = services.skillshare_create(
        group=world.crown,
        teacher=ada,
        by_coordinator=True,
        title="Repair café",
        description="Bring a broken lamp",
        rule="FREQ=MONTHLY;BYDAY=1SA",
        starts_on=timezone.localdate() + datetime.timedelta(days=1),  # never a session already begun
        start_time=datetime.time(14),
        duration_minutes=120,
        seats=10,
        time_zone="UTC",
    )
    session = skillshare.occurrences.order_by("starts_at").first()
    ben_seat = services.signup_create(occurrence=session, role=services.seat_role(skillshare), user=ben)
    proposal = services.skillshare_create(
        group=world.crown,
        teacher=ben,
        by_coordinator=False,
        title="English conversation",
        description="",
        rule="FREQ=WEEKLY",
        starts_on=timezone.localdate() + datetime.timedelta(days=1),
        start_time=datetime.time(18),
        duration_minutes=60,
        seats=8,
        time_zone="UTC",
    )
    started = timezone.now() - datetime.timedelta(hours=1)
    past = Occurrence.objects.create(
        series=series, recurrence_id=started, starts_at=started, ends_at=started + datetime.timedelta(hours=2)
    )
    world.objects.update(
        {
            "shift_series": series,
            "skillshare_session": session,
            "skillshare_proposal": proposal,
            "ben_seat": ben_seat,
            "shift_first": first,
            "shift_second": second,
            "shift_past": past,
            "shift_driver": driver,
            "ben_signup": ben_signup,
            "shift_swap": swap,
            "shift_standing": standing,
            "ben_feed": services.feed_create(user=ben),
            "ben_cant": services.cant_token(ben_signup),
            "shift_first_aid": first_aid,
            "dist_day": day,
            "dist_free_day": free_day,
            "dist_free_slot": free_day.slots.order_by("starts_at").first(),
            "dist_slot": day_slots[2],
            "ben_booking": ben_booking,
            "neighbour_booking": neighbour_booking,
        }
    )


def series(w: World) -> dict[str, Any]:
    return {"slug": w.crown.slug, "series_id": w.shift_series.pk}


def first(w: World) -> dict[str, Any]:
    return {"slug": w.crown.slug, "occurrence_id": w.shift_first.pk}


def second(w: World) -> dict[str, Any]:
    return {"slug": w.crown.slug, "occurrence_id": w.shift_second.pk}


def past(w: World) -> dict[str, Any]:
    return {"slug": w.crown.slug, "occurrence_id": w.shift_past.pk}


def role(w: World) -> dict[str, Any]:
    return {"slug": w.crown.slug, "role_id": w.shift_driver.pk}


def signup(w: World) -> dict[str, Any]:
    return {"slug": w.crown.slug, "signup_id": w.ben_signup.pk}


def series_data(w: World) -> dict[str, Any]:
    return {
        "title": "Fridge restock",
        "starts_on": "2030-01-07",
        "start_time": "09:00",
        "duration_minutes": "60",
        "repeat": "weekly",
        "time_zone": "UTC",
        "alert_hours": "24",
        "remind_hours": "24",
        "roles": "restocker: 2",
    }


def session(w: World) -> dict[str, Any]:
    return {"slug": w.crown.slug, "occurrence_id": w.skillshare_session.pk}


def proposal(w: World) -> dict[str, Any]:
    return {"slug": w.crown.slug, "series_id": w.skillshare_proposal.pk}


def taught_by_ada(w: World) -> dict[str, Any]:
    return {"slug": w.crown.slug, "series_id": w.skillshare_session.series_id}


def seat(w: World) -> dict[str, Any]:
    return {"slug": w.crown.slug, "signup_id": w.ben_seat.pk}


def skillshare_data(w: World) -> dict[str, Any]:
    return {
        "title": "Know your rights",
        "starts_on": "2030-01-05",
        "start_time": "10:00",
        "duration_minutes": "90",
        "repeat": "once",
        "seats": "12",
    }


def api_series(w: World) -> dict[str, Any]:
    return {
        "title": "Fridge restock",
        "rule": "FREQ=WEEKLY",
        "starts_on": "2030-01-07",
        "start_time": "09:00",
        "duration_minutes": 60,
        "roles": [{"name": "restocker", "slots": 2}],
    }


def day(w: World) -> dict[str, Any]:
    return {"slug": w.crown.slug, "day_id": w.dist_day.pk}


def free_day(w: World) -> dict[str, Any]:
    return {"slug": w.crown.slug, "day_id": w.dist_free_day.pk}


def ben_booking(w: World) -> dict[str, Any]:
    return {"slug": w.crown.slug, "booking_id": w.ben_booking.pk}


def neighbour_booking(w: World) -> dict[str, Any]:
    return {"slug": w.crown.slug, "booking_id": w.neighbour_booking.pk}


def skill_call(w: World) -> dict[str, Any]:
    return {"slug": w.crown.slug, "occurrence_id": w.shift_second.pk, "role_id": w.shift_first_aid.pk}


def _soon() -> str:
    from django.utils import timezone

    return (timezone.localdate() + datetime.timedelta(days=10)).isoformat()


def day_data(w: World) -> dict[str, Any]:
    return {
        "title": "Pantry day",
        "date": _soon(),
        "first_slot": "10:00",
        "slot_minutes": "15",
        "slot_count": "4",
        "households_per_slot": "3",
        "grace_minutes": "15",
        "remind_hours": "3",
        "time_zone": "UTC",
    }


def api_day(w: World) -> dict[str, Any]:
    return {"title": "Pantry day", "date": _soon(), "first_slot": "10:00", "time_zone": "UTC"}


DAY_ROUTES = [
    Route("shifts_days", MEMBER, kwargs=crown_slug),
    Route("shifts_day_new", COORDINATOR, kwargs=crown_slug),
    Route("shifts_day_new", COORDINATOR, method="POST", kwargs=crown_slug, data=day_data),
    Route("shifts_day", MEMBER, kwargs=day),
    Route(
        "shifts_day_book",
        MEMBER,
        method="POST",
        kwargs=free_day,
        data=lambda w: {"slot": w.dist_free_slot.pk},
    ),
    Route("shifts_day_neighbour", COORDINATOR, kwargs=day),
    Route(
        "shifts_day_neighbour",
        COORDINATOR,
        method="POST",
        kwargs=day,
        data=lambda w: {"slot": w.dist_slot.pk, "name": "Ana", "phone": "", "language": "es"},
    ),
    Route("shifts_day_checkin", COORDINATOR, kwargs=day),
    Route(
        "shifts_day_walkin", COORDINATOR, method="POST", kwargs=day, data=lambda w: {"slot": w.dist_slot.pk}
    ),
    Route("shifts_day_cancel", COORDINATOR, method="POST", kwargs=day),
    Route("shifts_booking_cancel", "login 404 404 ok ok", method="POST", kwargs=ben_booking),
    Route(
        "shifts_booking_cancel",
        "login 404 404 404 ok",
        method="POST",
        kwargs=neighbour_booking,
        variant="neighbour",
    ),
    Route("shifts_booking_checkin", COORDINATOR, method="POST", kwargs=neighbour_booking),
    Route("shifts_skill_call", COORDINATOR, method="POST", kwargs=skill_call),
    Route("api:shifts_skill_call", API_COORDINATOR, method="POST", api=True, kwargs=skill_call),
    Route("api:shifts_days_list", API_MEMBER, api=True, kwargs=crown_slug),
    Route("api:shifts_day_create", API_COORDINATOR, method="POST", api=True, kwargs=crown_slug, data=api_day),
    Route("api:shifts_day_detail", API_MEMBER, api=True, kwargs=day),
    Route(
        "api:shifts_day_book",
        API_MEMBER,
        method="POST",
        api=True,
        kwargs=free_day,
        data=lambda w: {"slot_id": w.dist_free_slot.pk},
    ),
    Route(
        "api:shifts_day_book_neighbour",
        API_COORDINATOR,
        method="POST",
        api=True,
        kwargs=day,
        data=lambda w: {"slot_id": w.dist_slot.pk, "name": "Ana"},
    ),
    Route("api:shifts_day_checkin_list", API_COORDINATOR, api=True, kwargs=day),
    Route(
        "api:shifts_day_walk_in",
        API_COORDINATOR,
        method="POST",
        api=True,
        kwargs=day,
        data=lambda w: {"slot_id": w.dist_slot.pk},
    ),
    Route("api:shifts_day_cancel", API_COORDINATOR, method="POST", api=True, kwargs=day),
    Route(
        "api:shifts_day_public",
        API_COORDINATOR,
        method="PUT",
        api=True,
        kwargs=day,
        data=lambda w: {"public": True},
    ),
    Route("api:shifts_booking_cancel", "401 404 404 ok ok", method="POST", api=True, kwargs=ben_booking),
    Route("api:shifts_booking_check_in", API_COORDINATOR, method="POST", api=True, kwargs=neighbour_booking),
]

ROUTES = [
    Route("shifts_calendar", MEMBER, kwargs=crown_slug),
    Route("shifts_calendar", MEMBER, kwargs=crown_slug, data=lambda w: {"view": "week"}, variant="week"),
    Route("shifts_mine", MEMBER, kwargs=crown_slug),
    Route("shifts_series_new", COORDINATOR, kwargs=crown_slug),
    Route("shifts_series_new", COORDINATOR, method="POST", kwargs=crown_slug, data=series_data),
    Route("shifts_series", MEMBER, kwargs=series),
    Route("shifts_series_edit", COORDINATOR, kwargs=series),
    Route(
        "shifts_series_edit",
        COORDINATOR,
        method="POST",
        kwargs=series,
        data=lambda w: {**series_data(w), "repeat": "custom", "custom_rule": "FREQ=WEEKLY;BYDAY=SA"},
    ),
    Route("shifts_role_new", COORDINATOR, kwargs=series),
    Route(
        "shifts_role_new",
        COORDINATOR,
        method="POST",
        kwargs=series,
        data=lambda w: {"name": "lead", "slots": "1"},
    ),
    Route("shifts_role_edit", COORDINATOR, kwargs=role),
    Route(
        "shifts_role_edit",
        COORDINATOR,
        method="POST",
        kwargs=role,
        data=lambda w: {"name": "driver", "slots": "3", "cancel_below": "1", "cancel_hours": "12"},
    ),
    Route("shifts_standing_new", "login 405 405 405 405", kwargs=series, variant="get"),
    Route(
        "shifts_standing_new",
        MEMBER,
        method="POST",
        kwargs=series,
        data=lambda w: {"role": w.shift_driver.pk, "until": "2099-01-01"},
    ),
    Route(
        "shifts_standing_stop",
        OWN,
        method="POST",
        kwargs=lambda w: {"slug": w.crown.slug, "standing_id": w.shift_standing.pk},
    ),
    Route("shifts_occurrence", MEMBER, kwargs=first),
    Route("shifts_signup", MEMBER, method="POST", kwargs=second, data=lambda w: {"role": w.shift_driver.pk}),
    Route("shifts_occurrence_change", COORDINATOR, kwargs=second),
    Route(
        "shifts_occurrence_change",
        COORDINATOR,
        method="POST",
        kwargs=second,
        data=lambda w: {"starts_at": "2099-01-01T10:00", "duration_minutes": "90"},
    ),
    Route("shifts_occurrence_cancel", COORDINATOR, method="POST", kwargs=second),
    Route("shifts_attendance", COORDINATOR, kwargs=past),
    Route("shifts_attendance", COORDINATOR, method="POST", kwargs=past),
    Route("shifts_outcome", COORDINATOR, kwargs=past),
    Route(
        "shifts_outcome", COORDINATOR, method="POST", kwargs=past, data=lambda w: {"households_served": "40"}
    ),
    Route("shifts_drop", OWN, method="POST", kwargs=signup),
    Route("shifts_swap", OWN, method="POST", kwargs=signup, data=lambda w: {"to_user": w.users["ada"].pk}),
    Route(
        "shifts_swap_answer",
        OWN,
        method="POST",
        kwargs=lambda w: {"slug": w.crown.slug, "swap_id": w.shift_swap.pk},
        data=lambda w: {"answer": "no"},
    ),
    Route("shifts_feed_page", "login ok ok ok ok"),
    Route("shifts_feed_page", "login ok ok ok ok", method="POST", data=lambda w: {"action": "create"}),
    Route("shifts_feed", ANYONE, kwargs=lambda w: {"token": w.ben_feed}),
    Route("shifts_feed", "404 404 404 404 404", kwargs=lambda w: {"token": "forged"}, variant="forged"),
    Route("shifts_cant", ANYONE, kwargs=lambda w: {"token": w.ben_cant}),
    Route("shifts_cant", ANYONE, method="POST", kwargs=lambda w: {"token": w.ben_cant}),
    Route("shifts_cant", "404 404 404 404 404", kwargs=lambda w: {"token": "forged"}, variant="forged"),
    # Skill-shares
    Route("shifts_skillshares", MEMBER, kwargs=crown_slug),
    Route("shifts_skillshare_propose", MEMBER, kwargs=crown_slug),
    Route("shifts_skillshare_propose", MEMBER, method="POST", kwargs=crown_slug, data=skillshare_data),
    Route("shifts_skillshare_decide", "login 405 405 405 405", kwargs=proposal, variant="get"),
    Route(
        "shifts_skillshare_decide",
        COORDINATOR,
        method="POST",
        kwargs=proposal,
        data=lambda w: {"decision": "approve"},
    ),
    # The teacher (ben, of his proposal) or a coordinator edits what a skill-share is about.
    Route("shifts_skillshare_edit", MEMBER, kwargs=proposal),
    Route("shifts_skillshare_edit", COORDINATOR, kwargs=taught_by_ada, variant="not-the-teacher"),
    Route(
        "shifts_skillshare_edit",
        MEMBER,
        method="POST",
        kwargs=proposal,
        data=lambda w: {"description": "Bring a mug"},
    ),
    Route("shifts_skillshare_join", "login 405 405 405 405", kwargs=session, variant="get"),
    Route("shifts_skillshare_join", MEMBER, method="POST", kwargs=session),
    Route("shifts_skillshare_cancel", "login 405 405 405 405", kwargs=session, variant="get"),
    Route("shifts_skillshare_cancel", COORDINATOR, method="POST", kwargs=session),
    Route("shifts_skillshare_leave", "login 405 405 405 405", kwargs=seat, variant="get"),
    Route("shifts_skillshare_leave", OWN, method="POST", kwargs=seat),
    Route(
        "api:shifts_skillshare_create",
        API_MEMBER,
        method="POST",
        api=True,
        kwargs=crown_slug,
        data=lambda w: {**skillshare_data(w), "seats": 8, "duration_minutes": 60, "rule": "FREQ=WEEKLY"},
    ),
    Route(
        "api:shifts_skillshare_describe",
        API_MEMBER,
        method="PUT",
        api=True,
        kwargs=proposal,
        data=lambda w: {"description": "Bring a mug"},
    ),
    Route(
        "api:shifts_skillshare_describe",
        API_COORDINATOR,
        method="PUT",
        api=True,
        kwargs=taught_by_ada,
        data=lambda w: {"description": "Bring a mug"},
        variant="not-the-teacher",
    ),
    Route(
        "api:shifts_skillshare_decide",
        API_COORDINATOR,
        method="POST",
        api=True,
        kwargs=proposal,
        data=lambda w: {"approve": True},
    ),
    # API
    Route("api:shifts_series_list", API_MEMBER, api=True, kwargs=crown_slug),
    Route(
        "api:shifts_series_create",
        API_COORDINATOR,
        method="POST",
        api=True,
        kwargs=crown_slug,
        data=api_series,
    ),
    Route("api:shifts_series_detail", API_MEMBER, api=True, kwargs=series),
    Route(
        "api:shifts_series_update",
        API_COORDINATOR,
        method="PATCH",
        api=True,
        kwargs=series,
        data=lambda w: {"title": "Pantry"},
    ),
    Route(
        "api:shifts_role_create",
        API_COORDINATOR,
        method="POST",
        api=True,
        kwargs=series,
        data=lambda w: {"name": "lead", "slots": 1},
    ),
    Route("api:shifts_occurrences", API_MEMBER, api=True, kwargs=crown_slug),
    Route("api:shifts_occurrence_detail", API_MEMBER, api=True, kwargs=first),
    Route(
        "api:shifts_signup_create",
        API_MEMBER,
        method="POST",
        api=True,
        kwargs=second,
        data=lambda w: {"role_id": w.shift_driver.pk},
    ),
    Route("api:shifts_signups_mine", API_MEMBER, api=True, kwargs=crown_slug),
    Route("api:shifts_signup_drop", "401 404 404 ok 404", method="DELETE", api=True, kwargs=signup),
    Route(
        "api:shifts_attendance",
        API_COORDINATOR,
        method="POST",
        api=True,
        kwargs=past,
        data=lambda w: {"attended": {}},
    ),
    Route(
        "api:shifts_outcome",
        API_COORDINATOR,
        method="POST",
        api=True,
        kwargs=past,
        data=lambda w: {"households_served": 40, "kilograms": 120},
    ),
    Route("api:shifts_occurrence_cancel", API_COORDINATOR, method="POST", api=True, kwargs=second),
]
ROUTES += DAY_ROUTES
