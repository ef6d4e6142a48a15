"""Shifts: the group calendar's month view and generating a year of occurrences.

    MUTUALAID_DATA_DIR=$(mktemp -d) .venv/bin/python bench/shifts.py [--rounds 30]

1. One group with 200 recurring shifts and 2,000 occurrences, all in the current month (the worst
   case for a month view); a member requests the month view; median and p90 server time are printed
   (target: p50 <= 50 ms), with the number of queries.
2. 1,000 weekly series; generating a year of occurrences for all of them (rule expansion in wall-clock
   time, time-zone placement and the database insert): total seconds and occurrences per second
   (target: <= 2 s). Run it against a scratch database.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutualaid.config.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from mutualaid.groups.models import Group  # noqa: E402
from mutualaid.members.models import Membership, User  # noqa: E402
from mutualaid.shifts import services  # noqa: E402
from mutualaid.shifts.models import Occurrence, Series, ShiftRole  # noqa: E402


def _series(group: Group, count: int, rule: str, starts_on: datetime.date) -> list[Series]:
    rows = [
        Series(
            group=group,
            title=f"Shift {i}",
            area="Hub",
            rule=rule,
            starts_on=starts_on + datetime.timedelta(days=i % 7),
            start_time=datetime.time(8 + i % 10, 0),
            duration_minutes=120,
            time_zone="America/New_York",
        )
        for i in range(count)
    ]
    made = Series.objects.bulk_create(rows)
    ShiftRole.objects.bulk_create([ShiftRole(series=s, name="helper", slots=3) for s in made])
    return made


def month_view(rounds: int) -> None:
    tag = uuid.uuid4().hex[:8]
    group = Group.objects.create(name=f"Bench {tag}", slug=f"bench-{tag}")
    member = User.objects.create_user(f"member-{tag}", password=None, display_name="Member")
    Membership.objects.create(user=member, group=group)
    today = timezone.localdate()
    first = today.replace(day=1)
    series = _series(group, 200, "FREQ=DAILY;COUNT=10", first)
    length = datetime.timedelta(hours=2)
    occurrences = []
    for s in series:
        for day in range(10):
            local = datetime.datetime.combine(
                s.starts_on + datetime.timedelta(days=day * 2), s.start_time, tzinfo=datetime.UTC
            )
            occurrences.append(
                Occurrence(series=s, recurrence_id=local, starts_at=local, ends_at=local + length)
            )
    Occurrence.objects.bulk_create(occurrences)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    client.force_login(member, backend="django.contrib.auth.backends.ModelBackend")
    url = reverse("shifts_calendar", kwargs={"slug": group.slug})
    client.get(url)  # warm caches (templates, translations)
    times, cpu = [], []
    for _round in range(rounds):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    shown = response.content.count(b"/shifts/on/")
    times.sort()
    print(
        f"month view, 200 series / {len(occurrences)} occurrences ({shown} shown): "
        f"p50 {statistics.median(times):.1f} ms, p90 {times[int(len(times) * 0.9) - 1]:.1f} ms, "
        f"(CPU p50 {statistics.median(cpu):.1f} ms), {len(queries)} queries, {len(response.content) // 1024} KB"
    )


def generate_year() -> None:
    tag = uuid.uuid4().hex[:8]
    group = Group.objects.create(name=f"Bench {tag}", slug=f"bench-{tag}")
    series = _series(group, 1000, "FREQ=WEEKLY", timezone.localdate())
    start, start_cpu = time.perf_counter(), time.process_time()
    made = services.materialise_many(series_list=series, horizon_days=365)
    took, took_cpu = time.perf_counter() - start, time.process_time() - start_cpu
    assert Occurrence.objects.filter(series__group=group).count() == made
    print(
        f"a year of occurrences for 1,000 weekly series: {made} occurrences in {took:.2f} s"
        f" (CPU {took_cpu:.2f} s, {made / took:,.0f}/s); load average {os.getloadavg()[0]:.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    print(
        f"database: {connection.vendor}, time zone {settings.TIME_ZONE}, load average {os.getloadavg()[0]:.1f}"
    )
    month_view(args.rounds)
    generate_year()


if __name__ == "__main__":
    main()
