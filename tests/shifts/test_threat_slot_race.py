"""A distribution-day slot never holds more households than its capacity, even when many book at once,
and a walk-in racing the last place with a booking: the slot row lock lets exactly the capacity in
(PostgreSQL; SQLite cannot race)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from mutualaid.shifts import distribution
from mutualaid.shifts.models import HOLDS_PLACE, SlotBooking
from tests.races import outcomes, race, require_postgresql
from tests.shifts.conftest import member


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_many_booking_one_slot_at_once_never_exceed_its_capacity(crown: Any, ada: Any) -> None:
    require_postgresql()
    day = distribution.day_create(
        group=crown,
        title="Pantry day",
        date=timezone.localdate() + datetime.timedelta(days=2),
        first_slot=datetime.time(10),
        slot_minutes=15,
        slot_count=1,
        households_per_slot=3,
        time_zone="UTC",
    )
    slot = day.slots.get()
    people = [member(crown, f"racer{n}") for n in range(8)]
    results = race(
        [lambda user=user: distribution.book(slot=slot, user=user, wait=False, tell=False) for user in people]
    )
    assert sorted(outcomes(results, refused=(ValidationError,))) == ["refused"] * 5 + ["won"] * 3
    assert SlotBooking.objects.filter(slot=slot, state__in=HOLDS_PLACE).count() == 3

    # The last place: a walk-in at the door and two bookings on the web, at once.
    SlotBooking.objects.filter(slot=slot).order_by("pk").first().delete()
    late = [member(crown, f"late{n}") for n in range(2)]
    results = race(
        [
            lambda: distribution.walk_in(slot=slot, by=ada),
            *[
                lambda user=user: distribution.book(slot=slot, user=user, wait=False, tell=False)
                for user in late
            ],
        ]
    )
    assert sorted(outcomes(results, refused=(ValidationError,))) == ["refused", "refused", "won"]
    assert SlotBooking.objects.filter(slot=slot, state__in=HOLDS_PLACE).count() == 3
