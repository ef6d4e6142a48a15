"""Demo shifts: a weekly Saturday pantry in Crown Heights with drivers, sorters and a lead, some people
signed up (one on the waitlist), and a monthly fridge restock in Bushwick."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from mutualaid.groups.models import Group
from mutualaid.members.models import User
from mutualaid.shifts import services
from mutualaid.shifts.models import Series, SeriesKind


@transaction.atomic
def load() -> None:
    users = {
        u.username: u
        for u in User.objects.filter(username__in=["ada", "ben", "dede", "hana", "jojo", "gabo", "kiki"])
    }
    crown = Group.objects.get(slug="crown-heights")
    bushwick = Group.objects.get(slug="bushwick")
    today = timezone.localdate()
    zone = settings.TIME_ZONE if settings.TIME_ZONE != "UTC" else "America/New_York"
    # Titles are sealed: compared after decryption, not in SQL.
    if not any(s.title == "Saturday pantry" for s in Series.objects.filter(group=crown)):
        pantry = services.series_create(
            group=crown,
            title="Saturday pantry",
            rule="FREQ=WEEKLY;BYDAY=SA",
            starts_on=today - datetime.timedelta(days=today.weekday() + 2),
            start_time=datetime.time(10, 0),
            duration_minutes=180,
            area="Crown Heights community hub",
            address="Church basement, 1 Example Ave (side door)",
            time_zone=zone,
            alert_hours=[24, 2],
            remind_hours=24,
            lead=users["ada"],
            roles=[
                {"name": "driver", "slots": 2, "note": "a car or cargo bike"},
                {"name": "sorter", "slots": 3, "cancel_below": 2, "cancel_hours": 12},
                {"name": "greeter", "slots": 1, "note": "speaks Spanish or Haitian Creole"},
            ],
        )
        coming = pantry.occurrences.filter(starts_at__gt=timezone.now()).order_by("starts_at")
        first = coming.first()
        if first is not None:
            driver = pantry.roles.get(name="driver")
            sorter = pantry.roles.get(name="sorter")
            services.signup_create(occurrence=first, role=driver, user=users["ben"])
            services.signup_create(occurrence=first, role=driver, user=users["dede"])
            services.signup_create(occurrence=first, role=driver, user=users["hana"])  # waitlisted
            services.signup_create(occurrence=first, role=sorter, user=users["jojo"])
        services.standing_create(
            series=pantry,
            role=pantry.roles.get(name="sorter"),
            user=users["ada"],
            until=today + datetime.timedelta(days=60),
        )
    if not any(s.title == "Nevera solidaria" for s in Series.objects.filter(group=bushwick)):
        services.series_create(
            group=bushwick,
            title="Nevera solidaria",
            rule="FREQ=MONTHLY;BYDAY=1MO",
            starts_on=today,
            start_time=datetime.time(18, 0),
            duration_minutes=60,
            area="Bushwick, Knickerbocker Ave",
            time_zone=zone,
            alert_hours=[24],
            lead=users["gabo"],
            roles=[{"name": "reponer", "slots": 2}],
        )
    _distribution_days(users, crown, bushwick, zone)
    _skillshares(users, crown, today, zone)


def _skillshares(users: dict[str, User], crown: Group, today: datetime.date, zone: str) -> None:
    """A repair café every first Saturday afternoon (a member teaches; two seats taken), and a member's
    English conversation proposal waiting for a coordinator."""
    existing = {s.title for s in Series.objects.filter(group=crown, kind=SeriesKind.SKILL_SHARE)}
    if "Repair café" not in existing:
        cafe = services.skillshare_create(
            group=crown,
            teacher=users["hana"],
            by_coordinator=True,
            title="Repair café",
            description="Bring a lamp, a toaster or a torn jacket: we fix it together and you learn how.",
            rule="FREQ=MONTHLY;BYDAY=1SA",
            starts_on=today,
            start_time=datetime.time(14, 0),
            duration_minutes=150,
            seats=12,
            area="Crown Heights community hub",
            address="Church basement, 1 Example Ave (side door)",
            time_zone=zone,
        )
        first = cafe.occurrences.filter(starts_at__gt=timezone.now()).order_by("starts_at").first()
        if first is not None:
            for name in ("ben", "dede"):
                services.signup_create(occurrence=first, role=services.seat_role(cafe), user=users[name])
    if "English conversation" not in existing:
        services.skillshare_create(
            group=crown,
            teacher=users["jojo"],
            by_coordinator=False,
            title="English conversation",
            description="For beginners: everyday phrases for the clinic, the school and the landlord.",
            rule="FREQ=WEEKLY;BYDAY=TU",
            starts_on=today + datetime.timedelta(days=(1 - today.weekday()) % 7 or 7),
            start_time=datetime.time(18, 30),
            duration_minutes=60,
            seats=8,
            area="Crown Heights library",
            time_zone=zone,
        )


def _distribution_days(users: dict[str, User], crown: Group, bushwick: Group, zone: str) -> None:
    """A pantry day with time slots in Crown Heights (members, a neighbour booked by a coordinator, one
    waiting in line) and a free-store day in Bushwick; a few members with skills."""
    from mutualaid.shifts import distribution
    from mutualaid.shifts.models import DistributionDay

    for name, skills in (
        ("ben", ["driver", "lifting"]),
        ("dede", ["driver"]),
        ("jojo", ["cooking", "interpreting"]),
    ):
        user = users.get(name)
        if user is not None and not user.skills:
            user.skills = skills
            user.save(update_fields=["skills"])
    today = timezone.localdate()
    if not DistributionDay.objects.filter(group=crown).exists():
        day = distribution.day_create(
            group=crown,
            title="Pantry day",
            date=today + datetime.timedelta(days=(5 - today.weekday()) % 7 or 7),
            first_slot=datetime.time(11, 0),
            slot_minutes=20,
            slot_count=6,
            households_per_slot=3,
            area="Crown Heights community hub",
            address="Church basement, 1 Example Ave (side door)",
            time_zone=zone,
        )
        first, second = list(day.slots.order_by("starts_at")[:2])
        for name in ("ben", "hana", "jojo"):
            distribution.book(slot=first, user=users[name], tell=False)
        distribution.book(slot=first, user=users["dede"], tell=False)  # waiting in line
        distribution.book(
            slot=second,
            name="Doña Rosa",
            phone="+17185550142",
            language="es",
            source="coordinator",
            tell=False,
        )
    if not DistributionDay.objects.filter(group=bushwick).exists():
        distribution.day_create(
            group=bushwick,
            title="Tiendita gratis",
            date=today + datetime.timedelta(days=10),
            first_slot=datetime.time(16, 0),
            slot_minutes=30,
            slot_count=4,
            households_per_slot=5,
            area="Bushwick, Knickerbocker Ave",
            time_zone=zone,
        )
