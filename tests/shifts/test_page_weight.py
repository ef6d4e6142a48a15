"""Shifts pages stay small (first visit: page and style sheets at most 15 KB gzip; htmx, which no
shifts page needs, is deferred and left out), load nothing from outside, carry no inline script or style."""

from __future__ import annotations

import datetime
import gzip
from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone

from mutualaid.shifts import distribution, services
from tests.core.test_no_external_origins import EXTERNAL
from tests.shifts.conftest import next_occurrence, role


def test_shifts_pages_are_light_and_self_contained(client_for: Any, pantry: Any, ada: Any, ben: Any) -> None:
    assets = sum(
        len(gzip.compress(Path(finders.find(p)).read_bytes()))
        for p in ("core/site.css", "shifts/calendar.css")
    )
    occurrence = next_occurrence(pantry)
    services.signup_create(occurrence=occurrence, role=role(pantry, "driver"), user=ben)
    day = distribution.day_create(
        group=pantry.group,
        title="Pantry day",
        date=timezone.localdate() + datetime.timedelta(days=2),
        first_slot=datetime.time(9),
        slot_minutes=10,
        slot_count=24,
        households_per_slot=6,
    )
    for n, slot in enumerate(day.slots.all()[:12]):
        distribution.walk_in(slot=slot, by=ada, name=f"Neighbour {n}")
    pages = [
        reverse("shifts_days", args=["crown"]),
        reverse("shifts_day", args=["crown", day.pk]),
        reverse("shifts_day_checkin", args=["crown", day.pk]),
        reverse("shifts_day_neighbour", args=["crown", day.pk]),
        reverse("shifts_day_new", args=["crown"]),
        reverse("shifts_calendar", args=["crown"]),
        reverse("shifts_calendar", args=["crown"]) + "?view=week",
        reverse("shifts_series", args=["crown", pantry.pk]),
        reverse("shifts_occurrence", args=["crown", occurrence.pk]),
        reverse("shifts_series_new", args=["crown"]),
        reverse("shifts_mine", args=["crown"]),
        reverse("shifts_feed_page"),
        reverse("shifts_skillshares", args=["crown"]),
        reverse("shifts_skillshare_propose", args=["crown"]),
    ]
    client = client_for(ada)
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        total = len(gzip.compress(response.content)) + assets
        assert total <= 15 * 1024, f"{path}: {total} bytes gzip"
        body = response.content.decode()
        assert not EXTERNAL.findall(body), path
        assert " style=" not in body and "<script>" not in body, path
