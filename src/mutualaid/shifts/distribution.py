"""Distribution days with time slots: writes and reads.

A coordinator sets up a day (a place, a first slot, slots of N minutes for N households each).
Members book a slot on the web; a coordinator books for a neighbour (a name and maybe a number, both
sealed); a neighbour books by text message (the channels app calls `free_slots` and `book`). A slot
never holds more households than its capacity: every write that takes a place locks the slot row
(`select_for_update`) and counts under the lock; when a slot is full, the booking waits in line.
A booking not checked in `grace_minutes` after its slot starts is released and the first person
waiting for that slot is told to come; walk-ins take free places from the check-in page.

Members are told through `core.notify`; neighbours without an account by a text, through the texter
the channels app registers here (`register_texter`): this app never imports channels.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from mutualaid.core.encryption import blind_index
from mutualaid.core.notify import notify
from mutualaid.core.publishing import PublicEvent, event_changed
from mutualaid.core.speaking import speaking
from mutualaid.core.templatetags.mutualaid import named_format
from mutualaid.groups.models import Group
from mutualaid.members.models import Membership, User
from mutualaid.shifts import recurrence
from mutualaid.shifts.models import (
    HOLDS_PLACE,
    BookingSource,
    BookingState,
    DaySlot,
    DistributionDay,
    SlotBooking,
)

MAX_SLOTS_PER_DAY = 96
MAX_HOUSEHOLDS = 500
NAME_MAX = 100
ADDRESS_MAX = 300
ACTIVE = (*HOLDS_PLACE, BookingState.WAITING)  # bookings that still count for the person

# The channels app registers how a neighbour without an account is texted: (group, phone, body).
Texter = Callable[[Group, str, str], None]
_texters: list[Texter] = []


def register_texter(texter: Texter) -> None:
    """Called once from the channels app's `ready()`; a second registration replaces the first."""
    _texters[:] = [texter]


def _text(group: Group, phone: str, body: str) -> None:
    for texter in _texters:
        texter(group, phone, body)


def phone_key(phone: str) -> str:
    return blind_index(phone, purpose="phone") if phone else ""


def clean_phone(phone: str) -> str:
    """A neighbour's number in the form the SMS gateway uses, so a text from them finds their booking."""
    from mutualaid.exchange.services import neighbour_phone
    from mutualaid.members.services import normalise_phone

    return normalise_phone(neighbour_phone(phone.strip())) if phone.strip() else ""


# Days --------------------------------------------------------------------------------------------


def _check_day(day: DistributionDay) -> None:
    errors: dict[str, list[str]] = {}
    if not (day.title or "").strip():
        errors.setdefault("title", []).append(_("Give the day a title."))
    if not 5 <= day.slot_minutes <= 240:
        errors.setdefault("slot_minutes", []).append(_("A slot lasts between 5 and 240 minutes."))
    if not 1 <= day.slot_count <= MAX_SLOTS_PER_DAY:
        errors.setdefault("slot_count", []).append(
            _("A day has between 1 and %(max)d slots.") % {"max": MAX_SLOTS_PER_DAY}
        )
    if not 1 <= day.households_per_slot <= MAX_HOUSEHOLDS:
        errors.setdefault("households_per_slot", []).append(
            _("A slot takes between 1 and %(max)d households.") % {"max": MAX_HOUSEHOLDS}
        )
    if day.grace_minutes > 240:
        errors.setdefault("grace_minutes", []).append(_("At most 240 minutes."))
    if day.remind_hours > 72:
        errors.setdefault("remind_hours", []).append(_("At most 72 hours before."))
    if len(day.address or "") > ADDRESS_MAX:
        errors.setdefault("address", []).append(_("At most %(count)d characters.") % {"count": ADDRESS_MAX})
    try:
        tz = recurrence.zone(day.time_zone)
    except recurrence.RuleError:
        errors.setdefault("time_zone", []).append(_("This is not a time zone name (e.g. America/New_York)."))
        tz = None
    if tz is not None and "slot_minutes" not in errors and "slot_count" not in errors:
        today = timezone.now().astimezone(tz).date()
        if day.date < today:
            errors.setdefault("date", []).append(_("Choose a day that is not in the past."))
        elif day.date > today + datetime.timedelta(days=366):
            errors.setdefault("date", []).append(_("At most a year ahead."))
        start = datetime.datetime.combine(day.date, day.first_slot)
        end = start + datetime.timedelta(minutes=day.slot_minutes * day.slot_count)
        if end.date() != day.date and end.time() != datetime.time(0):
            errors.setdefault("slot_count", []).append(_("The last slot must end by midnight."))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def day_create(
    *,
    group: Group,
    title: str,
    date: datetime.date,
    first_slot: datetime.time,
    slot_minutes: int,
    slot_count: int,
    households_per_slot: int,
    area: str = "",
    address: str = "",
    grace_minutes: int = 15,
    remind_hours: int = 3,
    time_zone: str = "",
    public: bool = False,
) -> DistributionDay:
    day = DistributionDay(
        group=group,
        public=public,
        title=title.strip(),
        area=area.strip(),
        address=address.strip(),
        date=date,
        first_slot=first_slot,
        slot_minutes=slot_minutes,
        slot_count=slot_count,
        households_per_slot=households_per_slot,
        grace_minutes=grace_minutes,
        remind_hours=remind_hours,
    )
    if time_zone:
        day.time_zone = time_zone
    _check_day(day)
    day.full_clean()
    day.save()
    tz = recurrence.zone(day.time_zone)
    start = datetime.datetime.combine(date, first_slot)
    length = datetime.timedelta(minutes=slot_minutes)
    slots = []
    for n in range(slot_count):
        at = recurrence.to_utc(start + n * length, tz)
        slots.append(DaySlot(day=day, starts_at=at, ends_at=at + length, capacity=households_per_slot))
    DaySlot.objects.bulk_create(slots)
    _publish_day(day)
    return day


def _publish_day(day: DistributionDay) -> None:
    """After commit, tell the publisher (federation, when installed) what the day's public face is.

    Only a public, not cancelled day is visible; its name, time, area and the day page's path
    travel — never the address, the bookings or anyone's name.
    """
    visible = day.public and not day.cancelled
    if visible:
        slots = list(DaySlot.objects.filter(day=day).order_by("starts_at"))
        event = PublicEvent(
            group_id=day.group_id,
            source=f"shifts.day:{day.pk}",
            visible=True,
            name=day.title or "",
            starts_at=slots[0].starts_at,
            ends_at=slots[-1].ends_at,
            area=day.area,
        )
    else:
        event = PublicEvent(group_id=day.group_id, source=f"shifts.day:{day.pk}", visible=False)
    transaction.on_commit(lambda: event_changed(event))


@transaction.atomic
def day_set_public(*, day: DistributionDay, public: bool) -> DistributionDay:
    """A coordinator publishes a day to the group's followers, or withdraws it."""
    day = DistributionDay.objects.select_for_update().get(pk=day.pk)
    if day.public != public:
        day.public = public
        day.save(update_fields=["public"])
        _publish_day(day)
    return day


@transaction.atomic
def day_cancel(*, day: DistributionDay) -> int:
    """Cancel a day and tell everyone booked or waiting; returns how many were told."""
    day = DistributionDay.objects.select_for_update().select_related("group").get(pk=day.pk)
    if day.cancelled:
        raise ValidationError(_("This day is already cancelled."))
    day.cancelled = True
    day.save(update_fields=["cancelled"])
    _publish_day(day)
    told = 0
    for booking in SlotBooking.objects.filter(
        slot__day=day, state__in=(BookingState.BOOKED, BookingState.WAITING)
    ).select_related("user", "slot__day__group"):
        booking.state = BookingState.CANCELLED
        booking.changed_at = timezone.now()
        booking.save(update_fields=["state", "changed_at"])
        _tell(booking, "slot_day_cancelled")
        told += 1
    return told


# Booking ------------------------------------------------------------------------------------------


def _language(group: Group, user: User | None, language: str) -> str:
    if user is not None:
        return str(user.language)
    return language if language in ("en", "es") else (group.languages or ["en"])[0]


def _holding(slot: DaySlot) -> int:
    return SlotBooking.objects.filter(slot=slot, state__in=HOLDS_PLACE).count()


def _lock(slot: DaySlot) -> DaySlot:
    return DaySlot.objects.select_for_update().select_related("day__group").get(pk=slot.pk)


def _already(day: DistributionDay, *, user: User | None, phone_index: str) -> bool:
    if user is None and not phone_index:
        return False
    mine = Q(user=user) if user is not None else Q(phone_index=phone_index)
    return SlotBooking.objects.filter(mine, slot__day=day, state__in=ACTIVE).exists()


@transaction.atomic
def book(
    *,
    slot: DaySlot,
    user: User | None = None,
    name: str = "",
    phone: str = "",
    language: str = "",
    source: str = BookingSource.WEB,
    booked_by: User | None = None,
    wait: bool = True,
    tell: bool = True,
) -> SlotBooking:
    """Take a place in `slot` for a member (`user`) or a neighbour (`name`, `phone`); when the slot is
    full, wait in line for it (or refuse, with `wait=False`). One active booking per person per day."""
    slot = _lock(slot)  # every place-taking write to this slot waits here: the count cannot go stale
    day = slot.day
    name = name.strip()
    try:
        phone = clean_phone(phone)
    except ValidationError as exc:
        raise ValidationError({"phone": exc.messages}) from exc
    if len(name) > NAME_MAX:
        raise ValidationError({"name": [_("At most %(count)d characters.") % {"count": NAME_MAX}]})
    if user is None and not (name or phone):
        raise ValidationError({"name": [_("Give the neighbour's name or phone number.")]})
    if user is not None and not Membership.objects.filter(group_id=day.group_id, user=user).exists():
        raise ValidationError(_("Only members of the group can book on the web."))
    if day.cancelled:
        raise ValidationError(_("This distribution day is cancelled."))
    if slot.starts_at <= timezone.now():
        raise ValidationError({"slot": [_("This slot has already started: choose a later one.")]})
    index = phone_key(phone)
    if _already(day, user=user, phone_index=index):
        raise ValidationError(_("There is already a booking for this person on this day."))
    full = _holding(slot) >= slot.capacity
    if full and not wait:
        raise ValidationError({"slot": [_("This slot is full.")]})
    booking = SlotBooking(
        slot=slot,
        user=user,
        name=name,
        phone=phone,
        phone_index=index,
        language=_language(day.group, user, language),
        state=BookingState.WAITING if full else BookingState.BOOKED,
        source=source,
        booked_by=booked_by,
    )
    booking.full_clean()
    booking.save()
    if tell:
        _tell(booking, "slot_waiting" if full else "slot_booked")
    return booking


@transaction.atomic
def cancel(*, booking: SlotBooking) -> SlotBooking | None:
    """Free a booking (or leave the line). The first person waiting for the slot takes the place and is
    told; returns them."""
    slot = _lock(booking.slot)
    booking = SlotBooking.objects.get(pk=booking.pk)
    if booking.state not in (BookingState.BOOKED, BookingState.WAITING):
        raise ValidationError(_("This booking is no longer active."))
    if slot.ends_at <= timezone.now():
        raise ValidationError(_("This slot is over."))
    held = booking.state == BookingState.BOOKED
    booking.state = BookingState.CANCELLED
    booking.changed_at = timezone.now()
    booking.save(update_fields=["state", "changed_at"])
    if held:
        promoted = _promote(slot)
        return promoted[0] if promoted else None
    return None


def _promote(slot: DaySlot) -> list[SlotBooking]:
    """Give free places of `slot` to the first people waiting (the caller holds the slot lock)."""
    free = slot.capacity - _holding(slot)
    if free <= 0 or slot.day.cancelled or slot.ends_at <= timezone.now():
        return []
    promoted = []
    for waiting in (
        SlotBooking.objects.filter(slot=slot, state=BookingState.WAITING)
        .select_related("user", "slot__day__group")
        .order_by("created_at", "pk")[:free]
    ):
        waiting.state = BookingState.BOOKED
        waiting.changed_at = timezone.now()
        waiting.save(update_fields=["state", "changed_at"])
        _tell(waiting, "slot_promoted")
        promoted.append(waiting)
    return promoted


@transaction.atomic
def check_in(*, booking: SlotBooking) -> SlotBooking:
    """The household came. A booking released as a no-show can still check in while its slot has a
    free place (a late arrival); otherwise record them as a walk-in in a slot with room."""
    slot = _lock(booking.slot)
    booking = SlotBooking.objects.get(pk=booking.pk)
    if slot.day.cancelled:
        raise ValidationError(_("This distribution day is cancelled."))
    if booking.state == BookingState.CHECKED_IN:
        raise ValidationError(_("Already checked in."))
    if booking.state == BookingState.RELEASED and _holding(slot) >= slot.capacity:
        raise ValidationError(
            _("Their place was given to someone else and this slot is full: record them as a walk-in.")
        )
    if booking.state not in (BookingState.BOOKED, BookingState.RELEASED):
        raise ValidationError(_("Only a booking can be checked in."))
    booking.state = BookingState.CHECKED_IN
    booking.changed_at = timezone.now()
    booking.save(update_fields=["state", "changed_at"])
    return booking


@transaction.atomic
def walk_in(*, slot: DaySlot, by: User, name: str = "") -> SlotBooking:
    """Someone came without a booking: they take a free place of `slot` (refused when it is full)."""
    slot = _lock(slot)
    if slot.day.cancelled:
        raise ValidationError(_("This distribution day is cancelled."))
    if len(name.strip()) > NAME_MAX:
        raise ValidationError({"name": [_("At most %(count)d characters.") % {"count": NAME_MAX}]})
    if _holding(slot) >= slot.capacity:
        raise ValidationError({"slot": [_("This slot is full: choose another one.")]})
    booking = SlotBooking(
        slot=slot,
        name=name.strip(),
        state=BookingState.WALK_IN,
        source=BookingSource.WALK_IN,
        booked_by=by,
        language=_language(slot.day.group, None, ""),
    )
    booking.full_clean()
    booking.save()
    return booking


# By text message (called by the channels app) ----------------------------------------------------


def free_slots(group: Group, *, limit: int = 5, now: datetime.datetime | None = None) -> list[DaySlot]:
    """The next slots of the group's coming days that still have a free place, soonest first."""
    now = now or timezone.now()
    slots = (
        DaySlot.objects.filter(day__group=group, day__cancelled=False, starts_at__gt=now)
        .annotate(held=Count("bookings", filter=Q(bookings__state__in=HOLDS_PLACE)))
        .select_related("day")
        .order_by("starts_at", "pk")
    )
    found: list[DaySlot] = []
    for slot in slots[:500]:
        if slot.held < slot.capacity:
            found.append(slot)
            if len(found) == limit:
                break
    return found


def bookings_for_phone(group: Group, phone: str) -> list[SlotBooking]:
    """A neighbour's coming bookings (and places in line) with the group, by their number."""
    return list(
        SlotBooking.objects.filter(
            slot__day__group=group,
            phone_index=phone_key(phone),
            state__in=(BookingState.BOOKED, BookingState.WAITING),
            slot__ends_at__gt=timezone.now(),
        )
        .select_related("slot__day")
        .order_by("slot__starts_at")
    )


def cancel_for_phone(*, group: Group, phone: str) -> int:
    """A neighbour texted to free their slot: every coming booking of theirs ends; returns how many."""
    done = 0
    for booking in bookings_for_phone(group, phone):
        try:
            cancel(booking=booking)
        except ValidationError:
            continue
        done += 1
    return done


def slot_label(slot: DaySlot) -> str:
    """ "Sat 12 Dec, 10:00 Pantry day" in the active language and the day's time zone."""
    local = slot.starts_at.astimezone(recurrence.zone(slot.day.time_zone))
    return f"{date_format(local, named_format('WEEKDAY_DAY_TIME_FORMAT'))} {slot.day.title}"


# Telling people ------------------------------------------------------------------------------------


def _day_url(day: DistributionDay) -> str:
    return reverse("shifts_day", kwargs={"slug": day.group.slug, "day_id": day.pk})


def _sms_body(kind: str, booking: SlotBooking) -> str:
    when = slot_label(booking.slot)
    group = booking.slot.day.group.name
    place = booking.slot.day.area
    if kind == "slot_booked":
        text = _("%(group)s: you have a place at %(when)s.") % {"group": group, "when": when}
        return text + (f" {place}." if place else "") + " " + _("Reply SLOT OFF to free it.")
    if kind == "slot_waiting":
        return _("%(group)s: %(when)s is full. You are in line; we will text you if a place opens.") % {
            "group": group,
            "when": when,
        }
    if kind == "slot_promoted":
        return _("%(group)s: a place opened for you at %(when)s. Please come now.") % {
            "group": group,
            "when": when,
        } + (f" {place}." if place else "")
    if kind == "slot_reminder":
        return (
            _("%(group)s reminder: your place at %(when)s.") % {"group": group, "when": when}
            + " "
            + _("Reply SLOT OFF if you cannot come, so someone else can.")
        )
    return _("%(group)s: the distribution on %(when)s is cancelled.") % {"group": group, "when": when}


def _tell(booking: SlotBooking, kind: str) -> None:
    """Tell the person behind a booking: a member through core.notify, a neighbour by a text."""
    day = booking.slot.day
    if booking.user is not None:
        with speaking(booking.user.language):
            when = slot_label(booking.slot)
        notify(
            user=booking.user,
            kind=kind,
            context={"group": day.group.name, "title": when, "url": _day_url(day)},
        )
        return
    if booking.phone:
        with speaking(booking.language or "en"):
            body = _sms_body(kind, booking)
        _text(day.group, booking.phone, body)


# The periodic job ---------------------------------------------------------------------------------


def remind(now: datetime.datetime | None = None) -> int:
    """Remind everyone booked in slots that start within their day's reminder window; once per slot."""
    now = now or timezone.now()
    told = 0
    due = DaySlot.objects.filter(
        reminded=False, day__cancelled=False, starts_at__gt=now, day__remind_hours__gt=0
    ).select_related("day")
    for slot in due:
        if slot.starts_at - now > datetime.timedelta(hours=slot.day.remind_hours):
            continue
        with transaction.atomic():
            slot = _lock(slot)
            if slot.reminded:
                continue
            slot.reminded = True
            slot.save(update_fields=["reminded"])
            for booking in SlotBooking.objects.filter(slot=slot, state=BookingState.BOOKED).select_related(
                "user", "slot__day__group"
            ):
                booking.reminded = True
                booking.save(update_fields=["reminded"])
                _tell(booking, "slot_reminder")
                told += 1
    return told


def release_no_shows(now: datetime.datetime | None = None) -> dict[str, int]:
    """Bookings not checked in `grace_minutes` after their slot started are released; the first people
    waiting for the slot get the places and are told to come. Once per slot."""
    now = now or timezone.now()
    done = {"released": 0, "promoted": 0}
    started = DaySlot.objects.filter(released=False, day__cancelled=False, starts_at__lte=now).select_related(
        "day"
    )
    for slot in started:
        if slot.starts_at + datetime.timedelta(minutes=slot.day.grace_minutes) > now:
            continue
        with transaction.atomic():
            slot = _lock(slot)
            if slot.released:
                continue
            slot.released = True
            slot.save(update_fields=["released"])
            done["released"] += SlotBooking.objects.filter(slot=slot, state=BookingState.BOOKED).update(
                state=BookingState.RELEASED, changed_at=now
            )
            done["promoted"] += len(_promote(slot))
    return done


def run(now: datetime.datetime | None = None) -> dict[str, int]:
    """What the worker runs every few minutes."""
    released = release_no_shows(now)
    return {**released, "reminded": remind(now)}


# Reads ----------------------------------------------------------------------------------------------


@dataclasses.dataclass
class SlotView:
    slot: DaySlot
    local: datetime.datetime
    held: int
    waiting: int
    free: int
    bookings: list[SlotBooking]


def slot_views(day: DistributionDay, *, with_bookings: bool = False) -> list[SlotView]:
    tz = recurrence.zone(day.time_zone)
    slots = list(
        day.slots.annotate(
            held=Count("bookings", filter=Q(bookings__state__in=HOLDS_PLACE)),
            waiting=Count("bookings", filter=Q(bookings__state=BookingState.WAITING)),
        ).order_by("starts_at")
    )
    by_slot: dict[int, list[SlotBooking]] = {}
    if with_bookings:
        for booking in (
            SlotBooking.objects.filter(slot__day=day)
            .exclude(state=BookingState.CANCELLED)
            .select_related("user")
            .order_by("created_at", "pk")
        ):
            by_slot.setdefault(booking.slot_id, []).append(booking)
    return [
        SlotView(
            slot=slot,
            local=slot.starts_at.astimezone(tz),
            held=slot.held,
            waiting=slot.waiting,
            free=max(slot.capacity - slot.held, 0),
            bookings=by_slot.get(slot.pk, []),
        )
        for slot in slots
    ]


def my_booking(day: DistributionDay, user: User) -> SlotBooking | None:
    return (
        SlotBooking.objects.filter(slot__day=day, user=user, state__in=ACTIVE)
        .select_related("slot")
        .order_by("-created_at")
        .first()
    )


def upcoming_days(group: Group) -> list[DistributionDay]:
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    return list(DistributionDay.objects.filter(group=group, date__gte=yesterday).order_by("date", "pk"))


def booking_label(booking: SlotBooking) -> str:
    """Who a booking is for, as a coordinator sees it (never the number)."""
    if booking.user is not None:
        return str(booking.user)
    if booking.name:
        return booking.name
    if booking.source == BookingSource.SMS:
        return _("Neighbour by text")
    if booking.source == BookingSource.WALK_IN:
        return _("Walk-in")
    return _("Neighbour")
