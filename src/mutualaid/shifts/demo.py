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
from mutualaid.shifts.models import Series


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
