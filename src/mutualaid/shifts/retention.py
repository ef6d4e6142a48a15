"""Retention rules for shifts (found by mutualaid.core.retention).

Distribution days: bookings (with a neighbour's sealed name and number) go after the retention period
following their slot; the day keeps its slots and counts, and its sealed address is blanked.

Who signed up for which shift, who came and who asked whom to swap are kept for the retention period
after the shift ended; then the rows go (counted per group and state first). The occurrence itself and
its counts (households served, kilograms, items) stay for the group's records; its sealed notes are
blanked.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from mutualaid.core.retention import PurgeRule, retention_period


def _old_signups(now: datetime) -> QuerySet[Any]:
    from mutualaid.shifts.models import Signup

    return Signup.objects.filter(occurrence__ends_at__lt=now - retention_period()).select_related(
        "occurrence__series"
    )


def _old_swaps(now: datetime) -> QuerySet[Any]:
    from mutualaid.shifts.models import Swap

    return Swap.objects.filter(signup__occurrence__ends_at__lt=now - retention_period())


def _old_notes(now: datetime) -> QuerySet[Any]:
    from mutualaid.shifts.models import Occurrence

    return Occurrence.objects.filter(ends_at__lt=now - retention_period()).exclude(notes="")


def _blank_notes(rows: QuerySet[Any]) -> int:
    from mutualaid.shifts.models import Occurrence

    return Occurrence.objects.filter(pk__in=[row.pk for row in rows]).update(notes="")


def _ended_standings(now: datetime) -> QuerySet[Any]:
    from mutualaid.shifts.models import Standing

    return Standing.objects.filter(until__lt=(now - retention_period()).date())


def _old_bookings(now: datetime) -> QuerySet[Any]:
    from mutualaid.shifts.models import SlotBooking

    return SlotBooking.objects.filter(slot__ends_at__lt=now - retention_period()).select_related("slot__day")


def _old_days(now: datetime) -> QuerySet[Any]:
    from mutualaid.shifts.models import DistributionDay

    cutoff = (now - retention_period()).date()
    return DistributionDay.objects.filter(date__lt=cutoff).exclude(address="")


def _blank_addresses(rows: QuerySet[Any]) -> int:
    from mutualaid.shifts.models import DistributionDay

    return DistributionDay.objects.filter(pk__in=[row.pk for row in rows]).update(address="")


RETENTION = [
    # Who booked a distribution slot (a member, or a neighbour's sealed name and number) goes after the
    # retention period; the day and its slots stay as the group's record, without the exact address.
    PurgeRule(
        name="old distribution bookings",
        expired=_old_bookings,
        tally=lambda row: (row.slot.day.group_id, f"slot {row.state}"),
    ),
    PurgeRule(name="addresses of old distribution days", expired=_old_days, scrub=_blank_addresses),
    PurgeRule(name="old shift swaps", expired=_old_swaps),
    PurgeRule(
        name="old shift sign-ups",
        expired=_old_signups,
        tally=lambda row: (row.occurrence.series.group_id, f"shift {row.state}"),
    ),
    PurgeRule(name="ended standing shift sign-ups", expired=_ended_standings),
    PurgeRule(name="notes of old shifts", expired=_old_notes, scrub=_blank_notes),
]
