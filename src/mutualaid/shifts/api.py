"""Shifts in the JSON API: the same services as the pages (series, roles, occurrences, sign-ups and
the waitlist, attendance and outcomes). Attendance is returned to coordinators only."""

from __future__ import annotations

import datetime
from typing import Annotated, Any

from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from mutualaid.groups.access import (
    coordinator_has_second_factor,
    get_group_for_coordinator,
    get_group_for_member,
)
from mutualaid.members.models import User
from mutualaid.shifts import access, distribution, selectors, services
from mutualaid.shifts.models import BookingSource, BookingState, Occurrence, Series, SeriesKind

router = Router(tags=["shifts"])


class RoleIn(Schema):
    name: str
    slots: int
    note: str = ""
    skill: str = ""
    cancel_below: int = 0
    cancel_hours: int = 0


class RoleOut(RoleIn):
    id: int


# Wall-clock times travel as "HH:MM" (or "HH:MM:SS"): a JSON Schema "time" carries a UTC offset, which
# a shift's local start time must not have.
WallClock = Annotated[str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$")]


def _wall_clock(text: str) -> datetime.time:
    return datetime.time.fromisoformat(text)


class SeriesIn(Schema):
    title: str
    rule: str
    starts_on: datetime.date
    start_time: WallClock
    duration_minutes: int
    roles: list[RoleIn]
    area: str = ""
    address: str = ""
    time_zone: str = ""
    until: datetime.date | None = None
    alert_hours: list[int] = []
    remind_hours: int = 24
    lead_id: int | None = None


class SeriesChangeIn(Schema):
    title: str | None = None
    rule: str | None = None
    starts_on: datetime.date | None = None
    start_time: WallClock | None = None
    duration_minutes: int | None = None
    area: str | None = None
    address: str | None = None
    time_zone: str | None = None
    until: datetime.date | None = None
    alert_hours: list[int] | None = None
    remind_hours: int | None = None
    active: bool | None = None
    public: bool | None = Field(
        default=None,
        description="A skill-share's sessions published to the group's fediverse followers (date, time, area only)",
    )


class SeriesOut(Schema):
    id: int
    title: str
    area: str
    rule: str
    starts_on: datetime.date
    start_time: str
    duration_minutes: int
    time_zone: str
    until: datetime.date | None
    exdates: list[str]
    alert_hours: list[int]
    remind_hours: int
    lead_id: int | None
    active: bool
    kind: str
    description: str
    approved: bool
    public: bool
    roles: list[RoleOut]


class CallOut(Schema):
    told: int


class PersonOut(Schema):
    signup_id: int
    name: str
    attended: bool | None = None


class RoleStaffOut(Schema):
    role_id: int
    name: str
    slots: int
    free: int
    confirmed: list[PersonOut]
    waitlist: list[PersonOut]


class OccurrenceOut(Schema):
    id: int
    series_id: int
    title: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    status: str
    overridden: bool


class OccurrenceDetailOut(OccurrenceOut):
    address: str | None
    roles: list[RoleStaffOut]
    households_served: int | None
    kilograms: int | None
    items: int | None


class SignupIn(Schema):
    role_id: int


class SignupOut(Schema):
    id: int
    occurrence_id: int
    role_id: int
    state: str
    waitlist_position: int | None


class OutcomeIn(Schema):
    households_served: int | None = None
    kilograms: int | None = None
    items: int | None = None
    notes: str = ""


class AttendanceIn(Schema):
    attended: dict[int, bool]


def _series_out(series: Series) -> dict[str, Any]:
    return {
        "id": series.pk,
        "title": series.title,
        "area": series.area,
        "rule": series.rule,
        "starts_on": series.starts_on,
        "start_time": series.start_time.strftime("%H:%M"),
        "duration_minutes": series.duration_minutes,
        "time_zone": series.time_zone,
        "until": series.until,
        "exdates": series.exdates,
        "alert_hours": series.alert_hours,
        "remind_hours": series.remind_hours,
        "lead_id": series.lead_id,
        "active": series.active,
        "kind": series.kind,
        "description": series.description,
        "approved": series.approved,
        "public": series.public,
        "roles": [
            {
                "id": r.pk,
                "name": r.name,
                "slots": r.slots,
                "note": r.note,
                "skill": r.skill,
                "cancel_below": r.cancel_below,
                "cancel_hours": r.cancel_hours,
            }
            for r in series.roles.all()
        ],
    }


def _occurrence_out(occurrence: Occurrence) -> dict[str, Any]:
    return {
        "id": occurrence.pk,
        "series_id": occurrence.series_id,
        "title": occurrence.series.title,
        "starts_at": occurrence.starts_at,
        "ends_at": occurrence.ends_at,
        "status": occurrence.status,
        "overridden": occurrence.overridden,
    }


@router.get("/groups/{slug}/shifts/series", response=list[SeriesOut], summary="Recurring shifts of a group")
def shifts_series_list(
    request: HttpRequest, slug: str, kind: SeriesKind | None = None
) -> list[dict[str, Any]]:
    """`kind=skillshare` for skill-shares only, `kind=shift` for shifts only. A skill-share proposal
    waiting for approval is listed to coordinators and to the member who proposed it."""
    group, membership = get_group_for_member(request.user, slug)  # type: ignore[arg-type]
    series = Series.objects.filter(group=group).prefetch_related("roles")
    if kind is not None:
        series = series.filter(kind=kind)
    if not (membership.is_coordinator and coordinator_has_second_factor(request.user)):
        series = series.filter(Q(approved=True) | Q(lead=request.user))
    return [_series_out(s) for s in series]


class SkillShareIn(Schema):
    title: str
    description: str = ""
    rule: str = "FREQ=DAILY;COUNT=1"
    starts_on: datetime.date
    start_time: WallClock
    duration_minutes: int
    seats: int
    area: str = ""
    address: str = ""
    time_zone: str = ""
    until: datetime.date | None = None
    public: bool = Field(
        default=False,
        description="Publish the sessions to the group's fediverse followers (coordinators; date, time, area only)",
    )


class SkillShareDecisionIn(Schema):
    approve: bool


class SkillShareDescriptionIn(Schema):
    description: str


@router.post(
    "/groups/{slug}/shifts/skillshares",
    response={201: SeriesOut},
    summary="Propose a skill-share you teach (a coordinator's opens at once)",
)
def shifts_skillshare_create(request: HttpRequest, slug: str, payload: SkillShareIn) -> Status[Any]:
    group, membership = get_group_for_member(request.user, slug)  # type: ignore[arg-type]
    data = payload.dict()
    data["start_time"] = _wall_clock(data["start_time"])
    series = services.skillshare_create(
        group=group,
        teacher=request.user,  # type: ignore[arg-type]
        by_coordinator=membership.is_coordinator and coordinator_has_second_factor(request.user),
        **data,
    )
    return Status(201, _series_out(series))


@router.put(
    "/groups/{slug}/shifts/skillshares/{series_id}/description",
    response=SeriesOut,
    summary="Rewrite what a skill-share is about (its teacher or coordinators)",
)
def shifts_skillshare_describe(
    request: HttpRequest, slug: str, series_id: int, payload: SkillShareDescriptionIn
) -> dict[str, Any]:
    series, _membership = access.get_series_for_lead(request.user, slug, series_id)  # type: ignore[arg-type]
    if series.kind != SeriesKind.SKILL_SHARE:
        raise HttpError(404, "not a skill-share")
    series = services.skillshare_describe(series=series, description=payload.description)
    return _series_out(series)


@router.post(
    "/groups/{slug}/shifts/skillshares/{series_id}/decision",
    response=dict[str, bool],
    summary="Approve or decline a member's skill-share proposal (coordinators)",
)
def shifts_skillshare_decide(
    request: HttpRequest, slug: str, series_id: int, payload: SkillShareDecisionIn
) -> dict[str, bool]:
    series, _membership = access.get_series_for_coordinator(request.user, slug, series_id)  # type: ignore[arg-type]
    if series.kind != SeriesKind.SKILL_SHARE:
        raise HttpError(404, "not a skill-share")
    services.skillshare_decide(series=series, approve=payload.approve)
    return {"approved": payload.approve}


@router.post(
    "/groups/{slug}/shifts/series",
    response={201: SeriesOut},
    summary="Create a recurring shift (coordinators)",
)
def shifts_series_create(request: HttpRequest, slug: str, payload: SeriesIn) -> Status[Any]:
    group, _membership = get_group_for_coordinator(request.user, slug)  # type: ignore[arg-type]
    data = payload.dict()
    lead_id = data.pop("lead_id")
    roles = data.pop("roles")
    lead = User.objects.filter(pk=lead_id).first() if lead_id else None
    data["start_time"] = _wall_clock(data["start_time"])
    series = services.series_create(group=group, roles=roles, lead=lead, **data)
    return Status(201, _series_out(series))


@router.get("/groups/{slug}/shifts/series/{series_id}", response=SeriesOut, summary="A recurring shift")
def shifts_series_detail(request: HttpRequest, slug: str, series_id: int) -> dict[str, Any]:
    series, _membership = access.get_series_for_member(request.user, slug, series_id)  # type: ignore[arg-type]
    return _series_out(series)


@router.patch(
    "/groups/{slug}/shifts/series/{series_id}",
    response=SeriesOut,
    summary="Change a recurring shift (coordinators)",
)
def shifts_series_update(
    request: HttpRequest, slug: str, series_id: int, payload: SeriesChangeIn
) -> dict[str, Any]:
    series, _membership = access.get_series_for_coordinator(request.user, slug, series_id)  # type: ignore[arg-type]
    changes = {k: v for k, v in payload.dict().items() if v is not None}
    if "start_time" in changes:
        changes["start_time"] = _wall_clock(changes["start_time"])
    series = services.series_update(series=series, **changes)
    return _series_out(series)


@router.post(
    "/groups/{slug}/shifts/series/{series_id}/roles",
    response={201: RoleOut},
    summary="Add a role (coordinators)",
)
def shifts_role_create(request: HttpRequest, slug: str, series_id: int, payload: RoleIn) -> Status[Any]:
    series, _membership = access.get_series_for_coordinator(request.user, slug, series_id)  # type: ignore[arg-type]
    role = services.role_add(series=series, **payload.dict())
    return Status(201, {"id": role.pk, **payload.dict(), "name": role.name, "note": role.note})


@router.get(
    "/groups/{slug}/shifts/occurrences", response=list[OccurrenceOut], summary="Shifts between two days"
)
def shifts_occurrences(
    request: HttpRequest, slug: str, start: datetime.date | None = None, end: datetime.date | None = None
) -> list[dict[str, Any]]:
    group, _membership = get_group_for_member(request.user, slug)  # type: ignore[arg-type]
    first = start or timezone.localdate()
    last = end or first + datetime.timedelta(days=31)
    for name, day in (("start", first), ("end", last)):
        if not datetime.date(2000, 1, 1) <= day <= datetime.date(2100, 1, 1):
            raise HttpError(400, _("%(name)s: a day between 2000 and 2100.") % {"name": name})
    if last < first or (last - first).days > 400:
        raise HttpError(400, _("The end must be after the start, at most 400 days later."))
    tz = timezone.get_current_timezone()
    found = selectors.occurrences_between(
        group,
        datetime.datetime.combine(first, datetime.time.min, tzinfo=tz),
        datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz),
    )
    return [_occurrence_out(o) for o in found]


@router.get(
    "/groups/{slug}/shifts/occurrences/{occurrence_id}",
    response=OccurrenceDetailOut,
    summary="One shift: roles, people, waitlist",
)
def shifts_occurrence_detail(request: HttpRequest, slug: str, occurrence_id: int) -> dict[str, Any]:
    occurrence, membership = access.get_occurrence_for_member(request.user, slug, occurrence_id)  # type: ignore[arg-type]
    user: User = request.user  # type: ignore[assignment]
    roles = selectors.roles_of(occurrence)
    coordinator = access.sees_attendance(user, membership)
    mine_confirmed = any(s.user_id == user.pk for r in roles for s in r.confirmed)

    def person(signup: Any) -> dict[str, Any]:
        return {
            "signup_id": signup.pk,
            "name": str(signup.user),
            "attended": signup.attended if coordinator else None,
        }

    return {
        **_occurrence_out(occurrence),
        "address": occurrence.series.address
        if mine_confirmed or access.may_lead(user, membership, occurrence.series)
        else None,
        "roles": [
            {
                "role_id": r.role.pk,
                "name": r.role.name,
                "slots": r.role.slots,
                "free": r.free,
                "confirmed": [person(s) for s in r.confirmed],
                "waitlist": [person(s) for s in r.waitlist],
            }
            for r in roles
        ],
        "households_served": occurrence.households_served,
        "kilograms": occurrence.kilograms,
        "items": occurrence.items,
    }


def _signup_out(signup: Any) -> dict[str, Any]:
    return {
        "id": signup.pk,
        "occurrence_id": signup.occurrence_id,
        "role_id": signup.role_id,
        "state": signup.state,
        "waitlist_position": services.waitlist_position(signup),
    }


@router.post(
    "/groups/{slug}/shifts/occurrences/{occurrence_id}/signups",
    response={201: SignupOut},
    summary="Sign up (or join the waitlist)",
)
def shifts_signup_create(
    request: HttpRequest, slug: str, occurrence_id: int, payload: SignupIn
) -> Status[Any]:
    occurrence, _membership = access.get_occurrence_for_member(request.user, slug, occurrence_id)  # type: ignore[arg-type]
    role = occurrence.series.roles.filter(pk=payload.role_id).first()
    if role is None:
        raise HttpError(404, "no such role")
    signup = services.signup_create(occurrence=occurrence, role=role, user=request.user)  # type: ignore[arg-type]
    return Status(201, _signup_out(signup))


@router.get(
    "/groups/{slug}/shifts/signups",
    response=list[SignupOut],
    summary="My coming sign-ups and waitlist places",
)
def shifts_signups_mine(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    group, _membership = get_group_for_member(request.user, slug)  # type: ignore[arg-type]
    return [_signup_out(s) for s in selectors.my_signups(request.user, group, timezone.now())]  # type: ignore[arg-type]


@router.delete(
    "/groups/{slug}/shifts/signups/{signup_id}",
    response=SignupOut,
    summary="Drop out (the waitlist moves up)",
)
def shifts_signup_drop(request: HttpRequest, slug: str, signup_id: int) -> dict[str, Any]:
    signup = access.get_own_signup(request.user, slug, signup_id)  # type: ignore[arg-type]
    services.signup_drop(signup=signup)
    signup.refresh_from_db()
    return _signup_out(signup)


@router.post(
    "/groups/{slug}/shifts/occurrences/{occurrence_id}/attendance",
    response=dict[str, int],
    summary="Record who came (lead or coordinators)",
)
def shifts_attendance(
    request: HttpRequest, slug: str, occurrence_id: int, payload: AttendanceIn
) -> dict[str, int]:
    occurrence, _membership = access.get_occurrence_for_lead(request.user, slug, occurrence_id)  # type: ignore[arg-type]
    return {"recorded": services.attendance_record(occurrence=occurrence, attended=payload.attended)}


@router.post(
    "/groups/{slug}/shifts/occurrences/{occurrence_id}/outcome",
    response=OccurrenceDetailOut,
    summary="Record what a shift did (lead or coordinators)",
)
def shifts_outcome(request: HttpRequest, slug: str, occurrence_id: int, payload: OutcomeIn) -> dict[str, Any]:
    occurrence, _membership = access.get_occurrence_for_lead(request.user, slug, occurrence_id)  # type: ignore[arg-type]
    services.outcome_record(occurrence=occurrence, **payload.dict())
    return shifts_occurrence_detail(request, slug, occurrence_id)


@router.post(
    "/groups/{slug}/shifts/occurrences/{occurrence_id}/cancel",
    response=dict[str, int],
    summary="Cancel one shift and tell everyone (coordinators)",
)
def shifts_occurrence_cancel(request: HttpRequest, slug: str, occurrence_id: int) -> dict[str, int]:
    occurrence, _membership = access.get_occurrence_for_coordinator(request.user, slug, occurrence_id)  # type: ignore[arg-type]
    return {"told": services.occurrence_cancel(occurrence=occurrence)}


@router.post(
    "/groups/{slug}/shifts/occurrences/{occurrence_id}/roles/{role_id}/call",
    response=CallOut,
    summary="Ask members with the role's skill to fill its open places (coordinators)",
)
def shifts_skill_call(request: HttpRequest, slug: str, occurrence_id: int, role_id: int) -> dict[str, int]:
    occurrence, _membership = access.get_occurrence_for_coordinator(request.user, slug, occurrence_id)  # type: ignore[arg-type]
    role = occurrence.series.roles.filter(pk=role_id).first()
    if role is None:
        raise HttpError(404, "Not Found")
    return {"told": services.skill_call(occurrence=occurrence, role=role)}


# Distribution days --------------------------------------------------------------------------------


class DayIn(Schema):
    title: str
    date: datetime.date
    first_slot: WallClock
    slot_minutes: int = 15
    slot_count: int = 8
    households_per_slot: int = 4
    area: str = ""
    address: str = ""
    grace_minutes: int = 15
    remind_hours: int = 3
    time_zone: str = ""
    public: bool = Field(
        default=False,
        description="Publish to the group's followers on the fediverse (title, date, time, area only)",
    )


class DayOut(Schema):
    id: int
    title: str
    area: str
    date: datetime.date
    first_slot: str
    slot_minutes: int
    slot_count: int
    households_per_slot: int
    grace_minutes: int
    remind_hours: int
    time_zone: str
    cancelled: bool
    public: bool


class SlotOut(Schema):
    id: int
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    capacity: int
    free: int
    waiting: int


class BookingOut(Schema):
    id: int
    slot_id: int
    state: str
    source: str


class CheckinBookingOut(BookingOut):
    name: str


class CheckinSlotOut(SlotOut):
    bookings: list[CheckinBookingOut]


class DayDetailOut(DayOut):
    address: str | None
    slots: list[SlotOut]
    mine: BookingOut | None


class BookIn(Schema):
    slot_id: int


class NeighbourBookIn(Schema):
    slot_id: int
    name: str = ""
    phone: str = ""
    language: str = "en"


class WalkInIn(Schema):
    slot_id: int
    name: str = ""


def _day_out(day: Any) -> dict[str, Any]:
    return {
        "id": day.pk,
        "title": day.title,
        "area": day.area,
        "date": day.date,
        "first_slot": day.first_slot.strftime("%H:%M"),
        "slot_minutes": day.slot_minutes,
        "slot_count": day.slot_count,
        "households_per_slot": day.households_per_slot,
        "grace_minutes": day.grace_minutes,
        "remind_hours": day.remind_hours,
        "time_zone": day.time_zone,
        "cancelled": day.cancelled,
        "public": day.public,
    }


def _slot_out(view: Any) -> dict[str, Any]:
    return {
        "id": view.slot.pk,
        "starts_at": view.slot.starts_at,
        "ends_at": view.slot.ends_at,
        "capacity": view.slot.capacity,
        "free": view.free,
        "waiting": view.waiting,
    }


def _booking_out(booking: Any) -> dict[str, Any]:
    return {"id": booking.pk, "slot_id": booking.slot_id, "state": booking.state, "source": booking.source}


def _slot_in(day: Any, slot_id: int) -> Any:
    slot = day.slots.filter(pk=slot_id).first()
    if slot is None:
        raise HttpError(404, "Not Found")
    return slot


@router.get("/groups/{slug}/shifts/days", response=list[DayOut], summary="Coming distribution days")
def shifts_days_list(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    group, _membership = get_group_for_member(request.user, slug)  # type: ignore[arg-type]
    return [_day_out(day) for day in distribution.upcoming_days(group)]


@router.post(
    "/groups/{slug}/shifts/days",
    response={201: DayOut},
    summary="Set up a distribution day with time slots (coordinators)",
)
def shifts_day_create(request: HttpRequest, slug: str, payload: DayIn) -> Status[Any]:
    group, _membership = get_group_for_coordinator(request.user, slug)  # type: ignore[arg-type]
    values = payload.dict()
    values["first_slot"] = _wall_clock(values["first_slot"])
    day = distribution.day_create(group=group, **values)
    return Status(201, _day_out(day))


@router.get(
    "/groups/{slug}/shifts/days/{day_id}",
    response=DayDetailOut,
    summary="A distribution day: its slots, free places and your booking",
)
def shifts_day_detail(request: HttpRequest, slug: str, day_id: int) -> dict[str, Any]:
    day, membership = access.get_day_for_member(request.user, slug, day_id)  # type: ignore[arg-type]
    mine = distribution.my_booking(day, request.user)  # type: ignore[arg-type]
    shows = membership.is_coordinator or (mine is not None and mine.state == BookingState.BOOKED)
    return {
        **_day_out(day),
        "address": day.address if shows else None,
        "slots": [_slot_out(view) for view in distribution.slot_views(day)],
        "mine": _booking_out(mine) if mine else None,
    }


@router.post(
    "/groups/{slug}/shifts/days/{day_id}/bookings",
    response={201: BookingOut},
    summary="Book a slot for yourself (or wait in line when it is full)",
)
def shifts_day_book(request: HttpRequest, slug: str, day_id: int, payload: BookIn) -> Status[Any]:
    day, _membership = access.get_day_for_member(request.user, slug, day_id)  # type: ignore[arg-type]
    booking = distribution.book(
        slot=_slot_in(day, payload.slot_id),
        user=request.user,  # type: ignore[arg-type]
        source=BookingSource.WEB,
    )
    return Status(201, _booking_out(booking))


@router.post(
    "/groups/{slug}/shifts/days/{day_id}/neighbour-bookings",
    response={201: BookingOut},
    summary="Book a slot for a neighbour without an account (coordinators)",
)
def shifts_day_book_neighbour(
    request: HttpRequest, slug: str, day_id: int, payload: NeighbourBookIn
) -> Status[Any]:
    day = access.get_day_for_coordinator(request.user, slug, day_id)  # type: ignore[arg-type]
    booking = distribution.book(
        slot=_slot_in(day, payload.slot_id),
        name=payload.name,
        phone=payload.phone,
        language=payload.language,
        source=BookingSource.COORDINATOR,
        booked_by=request.user,  # type: ignore[arg-type]
    )
    return Status(201, _booking_out(booking))


@router.get(
    "/groups/{slug}/shifts/days/{day_id}/check-in",
    response=list[CheckinSlotOut],
    summary="The check-in list: every slot and who booked it (coordinators)",
)
def shifts_day_checkin_list(request: HttpRequest, slug: str, day_id: int) -> list[dict[str, Any]]:
    day = access.get_day_for_coordinator(request.user, slug, day_id)  # type: ignore[arg-type]
    return [
        {
            **_slot_out(view),
            "bookings": [{**_booking_out(b), "name": distribution.booking_label(b)} for b in view.bookings],
        }
        for view in distribution.slot_views(day, with_bookings=True)
    ]


@router.post(
    "/groups/{slug}/shifts/days/{day_id}/walk-ins",
    response={201: BookingOut},
    summary="Record a walk-in in a slot with a free place (coordinators)",
)
def shifts_day_walk_in(request: HttpRequest, slug: str, day_id: int, payload: WalkInIn) -> Status[Any]:
    day = access.get_day_for_coordinator(request.user, slug, day_id)  # type: ignore[arg-type]
    booking = distribution.walk_in(slot=_slot_in(day, payload.slot_id), by=request.user, name=payload.name)  # type: ignore[arg-type]
    return Status(201, _booking_out(booking))


@router.post(
    "/groups/{slug}/shifts/days/{day_id}/cancel",
    response=CallOut,
    summary="Cancel a distribution day and tell everyone booked (coordinators)",
)
def shifts_day_cancel(request: HttpRequest, slug: str, day_id: int) -> dict[str, int]:
    day = access.get_day_for_coordinator(request.user, slug, day_id)  # type: ignore[arg-type]
    return {"told": distribution.day_cancel(day=day)}


class DayPublicIn(Schema):
    public: bool = Field(
        description="Publish to the group's followers on the fediverse (title, date, time, area only)"
    )


@router.put(
    "/groups/{slug}/shifts/days/{day_id}/public",
    response=DayOut,
    summary="Publish a distribution day to the group's fediverse followers, or withdraw it (coordinators)",
)
def shifts_day_public(request: HttpRequest, slug: str, day_id: int, payload: DayPublicIn) -> dict[str, Any]:
    day = access.get_day_for_coordinator(request.user, slug, day_id)  # type: ignore[arg-type]
    return _day_out(distribution.day_set_public(day=day, public=payload.public))


@router.post(
    "/groups/{slug}/shifts/bookings/{booking_id}/cancel",
    response=BookingOut,
    summary="Free a booking (your own; coordinators: any of the group)",
)
def shifts_booking_cancel(request: HttpRequest, slug: str, booking_id: int) -> dict[str, Any]:
    booking = access.get_booking_for_cancel(request.user, slug, booking_id)  # type: ignore[arg-type]
    distribution.cancel(booking=booking)
    booking.refresh_from_db()
    return _booking_out(booking)


@router.post(
    "/groups/{slug}/shifts/bookings/{booking_id}/check-in",
    response=BookingOut,
    summary="Check a household in (coordinators)",
)
def shifts_booking_check_in(request: HttpRequest, slug: str, booking_id: int) -> dict[str, Any]:
    booking = access.get_booking_for_coordinator(request.user, slug, booking_id)  # type: ignore[arg-type]
    return _booking_out(distribution.check_in(booking=booking))
