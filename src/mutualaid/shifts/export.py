"""What shifts hold about a member, for their own download (core.export): sign-ups, standing places,
swaps offered to them, series they lead, their bookings, and the bookings they made for others (when
and which slot only)."""

from __future__ import annotations

from typing import Any

from mutualaid.core.export import Names, rows
from mutualaid.shifts.models import CalendarFeed, Series, Signup, SlotBooking, Standing, Swap


def personal_data(user: Any) -> dict[str, Any]:
    names = Names(user)
    return {
        "signups": rows(Signup.objects.filter(user=user).order_by("created_at", "pk"), names=names),
        "standing": rows(Standing.objects.filter(user=user).order_by("pk"), names=names),
        "swaps_offered_to_you": rows(Swap.objects.filter(to_user=user).order_by("pk"), names=names),
        "series_you_lead": rows(Series.objects.filter(lead=user).order_by("pk"), names=names),
        "calendar_feeds": rows(CalendarFeed.objects.filter(user=user).order_by("pk"), names=names),
        "bookings": rows(SlotBooking.objects.filter(user=user).order_by("created_at", "pk"), names=names),
        "bookings_you_made_for_others": rows(
            SlotBooking.objects.filter(booked_by=user).exclude(user=user).order_by("created_at", "pk"),
            names=names,
            fields=("id", "slot", "state", "source", "created_at"),
        ),
    }
