"""Shifts fixtures: a weekly Saturday pantry in crown with drivers and sorters, and two more members."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from tests.conftest import make_user


def member(group: Any, name: str, role: str = "member") -> Any:
    from mutualaid.members.models import Membership

    user = make_user(name)
    Membership.objects.create(user=user, group=group, role=role)
    return user


@pytest.fixture
def gus(crown: Any) -> Any:
    return member(crown, "gus")


@pytest.fixture
def hal(crown: Any) -> Any:
    return member(crown, "hal")


def make_series(group: Any, **extra: Any) -> Any:
    from mutualaid.shifts import services

    spec: dict[str, Any] = {
        "group": group,
        "title": "Saturday pantry",
        "rule": "FREQ=WEEKLY;BYDAY=SA",
        "starts_on": timezone.localdate() - datetime.timedelta(days=7),
        "start_time": datetime.time(10, 0),
        "duration_minutes": 180,
        "area": "Crown Heights hub",
        "address": "SECRET-ADDRESS 12 Main St",
        "time_zone": "America/New_York",
        "roles": [{"name": "driver", "slots": 1}, {"name": "sorter", "slots": 3}],
    }
    spec.update(extra)
    return services.series_create(**spec)


@pytest.fixture
def pantry(crown: Any) -> Any:
    return make_series(crown)


def next_occurrence(series: Any) -> Any:
    return series.occurrences.filter(starts_at__gt=timezone.now()).order_by("starts_at").first()


def role(series: Any, name: str) -> Any:
    return series.roles.get(name=name)
