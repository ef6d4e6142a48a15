"""Pages for distribution days: the list, a day with its slots (members book), booking for a neighbour
and the check-in page (coordinators, made for a phone at the door: check in, walk-ins). Thin: every
write is a service call in `distribution`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mutualaid.core.forms import apply_errors
from mutualaid.groups.access import get_group_for_coordinator, get_group_for_member
from mutualaid.members.models import User
from mutualaid.shifts import access, distribution
from mutualaid.shifts.forms import DayForm, NeighbourBookingForm, WalkInForm
from mutualaid.shifts.models import BookingSource, BookingState, DaySlot, DistributionDay
from mutualaid.shifts.recurrence import zone


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _slot_of(day: DistributionDay, value: Any) -> DaySlot:
    slot = day.slots.filter(pk=int(value)).first() if str(value or "").isdigit() else None
    if slot is None:
        raise Http404
    return slot


def _error(request: HttpRequest, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


@login_required
def days(request: HttpRequest, slug: str) -> HttpResponse:
    group, membership = get_group_for_member(_user(request), slug)
    return render(
        request,
        "shifts/days.html",
        {"group": group, "membership": membership, "days": distribution.upcoming_days(group)},
    )


@login_required
def day_new(request: HttpRequest, slug: str) -> HttpResponse:
    group, _membership = get_group_for_coordinator(_user(request), slug)
    form = DayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            day = distribution.day_create(group=group, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The distribution day was set up."))
            return redirect("shifts_day", slug=slug, day_id=day.pk)
    return render(
        request,
        "shifts/day_form.html",
        {"group": group, "title": _("New distribution day"), "form": form, "submit": _("Set up the day")},
        status=400 if form.errors else 200,
    )


@login_required
def day_page(request: HttpRequest, slug: str, day_id: int) -> HttpResponse:
    day, membership = access.get_day_for_member(_user(request), slug, day_id)
    mine = distribution.my_booking(day, _user(request))
    return render(
        request,
        "shifts/day.html",
        {
            "group": day.group,
            "day": day,
            "membership": membership,
            "slots": distribution.slot_views(day),
            "mine": mine,
            "mine_local": mine.slot.starts_at.astimezone(zone(day.time_zone)) if mine else None,
            "now": timezone.now(),
            "show_address": bool(day.address)
            and (membership.is_coordinator or (mine is not None and mine.state == BookingState.BOOKED)),
        },
    )


@login_required
@require_POST
def book(request: HttpRequest, slug: str, day_id: int) -> HttpResponse:
    day, _membership = access.get_day_for_member(_user(request), slug, day_id)
    slot = _slot_of(day, request.POST.get("slot"))
    try:
        booking = distribution.book(slot=slot, user=_user(request), source=BookingSource.WEB)
    except ValidationError as exc:
        _error(request, exc)
    else:
        if booking.state == BookingState.BOOKED:
            messages.success(request, _("Your place is booked. We will remind you before."))
        else:
            messages.success(
                request, _("This slot is full: you are in line and will be told if a place opens.")
            )
    return redirect("shifts_day", slug=slug, day_id=day.pk)


@login_required
def book_neighbour(request: HttpRequest, slug: str, day_id: int) -> HttpResponse:
    """A coordinator books a place for a neighbour who has no account (or who phoned in)."""
    day = access.get_day_for_coordinator(_user(request), slug, day_id)
    choices = [
        (view.slot.pk, f"{view.local:%H:%M} · " + _("%(free)d free") % {"free": view.free})
        for view in distribution.slot_views(day)
        if view.slot.starts_at > timezone.now()
    ]
    form = NeighbourBookingForm(
        request.POST or None, slots=choices, initial={"language": (day.group.languages or ["en"])[0]}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            booking = distribution.book(
                slot=_slot_of(day, data["slot"]),
                name=data["name"],
                phone=data["phone"],
                language=data["language"],
                source=BookingSource.COORDINATOR,
                booked_by=_user(request),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            if booking.state == BookingState.BOOKED:
                messages.success(request, _("The neighbour has a place."))
            else:
                messages.success(request, _("The slot is full: the neighbour is in line for it."))
            return redirect("shifts_day_checkin", slug=slug, day_id=day.pk)
    return render(
        request,
        "shifts/day_form.html",
        {
            "group": day.group,
            "day": day,
            "title": _("Book a place for a neighbour"),
            "form": form,
            "submit": _("Book"),
        },
        status=400 if form.errors else 200,
    )


@login_required
def checkin_page(request: HttpRequest, slug: str, day_id: int) -> HttpResponse:
    day = access.get_day_for_coordinator(_user(request), slug, day_id)
    views = distribution.slot_views(day, with_bookings=True)
    for view in views:
        for booking in view.bookings:
            booking.label = distribution.booking_label(booking)  # type: ignore[attr-defined]
    return render(
        request,
        "shifts/checkin.html",
        {"group": day.group, "day": day, "slots": views, "now": timezone.now(), "walk_in": WalkInForm()},
    )


@login_required
@require_POST
def walk_in(request: HttpRequest, slug: str, day_id: int) -> HttpResponse:
    day = access.get_day_for_coordinator(_user(request), slug, day_id)
    form = WalkInForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a slot."))
    else:
        try:
            distribution.walk_in(
                slot=_slot_of(day, form.cleaned_data["slot"]),
                by=_user(request),
                name=form.cleaned_data["name"],
            )
        except ValidationError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("Walk-in recorded."))
    return redirect("shifts_day_checkin", slug=slug, day_id=day.pk)


@login_required
@require_POST
def day_cancel(request: HttpRequest, slug: str, day_id: int) -> HttpResponse:
    day = access.get_day_for_coordinator(_user(request), slug, day_id)
    try:
        told = distribution.day_cancel(day=day)
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("The day is cancelled; %(count)d people were told.") % {"count": told})
    return redirect("shifts_day", slug=slug, day_id=day.pk)


@login_required
@require_POST
def booking_cancel(request: HttpRequest, slug: str, booking_id: int) -> HttpResponse:
    booking = access.get_booking_for_cancel(_user(request), slug, booking_id)
    try:
        distribution.cancel(booking=booking)
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("The place is free again. Thank you for telling us."))
    if booking.user_id == _user(request).pk:
        return redirect("shifts_day", slug=slug, day_id=booking.slot.day_id)
    return redirect("shifts_day_checkin", slug=slug, day_id=booking.slot.day_id)


@login_required
@require_POST
def booking_checkin(request: HttpRequest, slug: str, booking_id: int) -> HttpResponse:
    booking = access.get_booking_for_coordinator(_user(request), slug, booking_id)
    try:
        distribution.check_in(booking=booking)
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("Checked in: %(name)s.") % {"name": distribution.booking_label(booking)})
    return redirect(f"{_checkin_url(slug, booking.slot.day_id)}#slot-{booking.slot_id}")


def _checkin_url(slug: str, day_id: int) -> str:
    from django.urls import reverse

    return reverse("shifts_day_checkin", kwargs={"slug": slug, "day_id": day_id})
