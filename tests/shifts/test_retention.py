"""After the retention period, who signed up for a shift and who came are gone; the counts stay."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from mutualaid.core.models import PurgeTally
from mutualaid.core.retention import purge_expired
from mutualaid.shifts import services
from mutualaid.shifts.models import Occurrence, Signup
from tests.shifts.conftest import role


def test_old_sign_ups_go_and_notes_are_blanked(settings: Any, pantry: Any, ben: Any) -> None:
    old, recent = list(pantry.occurrences.filter(starts_at__gt=timezone.now()).order_by("starts_at")[:2])
    for occurrence in (old, recent):
        services.signup_create(occurrence=occurrence, role=role(pantry, "sorter"), user=ben)
    long_ago = timezone.now() - datetime.timedelta(days=settings.MUTUALAID_RETENTION_DAYS + 2)
    Occurrence.objects.filter(pk=old.pk).update(
        starts_at=long_ago,
        ends_at=long_ago + datetime.timedelta(hours=3),
        households_served=30,
        notes="SEALED",
    )
    result = purge_expired()
    assert result["old shift sign-ups"] == 1
    assert result["notes of old shifts"] == 1
    assert not Signup.objects.filter(occurrence=old).exists()
    assert Signup.objects.filter(occurrence=recent).exists()
    old.refresh_from_db()
    assert old.households_served == 30 and old.notes == ""
    assert PurgeTally.objects.filter(label="shift confirmed", count=1).exists()


def test_old_distribution_bookings_go_and_the_address_is_blanked(settings: Any, crown: Any, ada: Any) -> None:
    from mutualaid.shifts import distribution
    from mutualaid.shifts.models import DaySlot, DistributionDay, SlotBooking

    def make(days: int) -> Any:
        return distribution.day_create(
            group=crown,
            title="Pantry day",
            date=timezone.localdate() + datetime.timedelta(days=days),
            first_slot=datetime.time(10),
            slot_minutes=15,
            slot_count=1,
            households_per_slot=2,
            address="SEALED 12 Main St",
        )

    old, recent = make(1), make(2)
    for day in (old, recent):
        distribution.book(slot=day.slots.get(), name="Rosa", phone="+13475550150", source="coordinator")
    long_ago = timezone.now() - datetime.timedelta(days=settings.MUTUALAID_RETENTION_DAYS + 2)
    DaySlot.objects.filter(day=old).update(
        starts_at=long_ago, ends_at=long_ago + datetime.timedelta(minutes=15)
    )
    DistributionDay.objects.filter(pk=old.pk).update(date=long_ago.date())
    result = purge_expired()
    assert result["old distribution bookings"] == 1
    assert result["addresses of old distribution days"] == 1
    assert not SlotBooking.objects.filter(slot__day=old).exists()
    assert SlotBooking.objects.filter(slot__day=recent).count() == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.address, recent.address) == ("", "SEALED 12 Main St")
    assert old.slots.count() == 1
    assert PurgeTally.objects.filter(label="slot booked", count=1).exists()
