from __future__ import annotations

from datetime import time
from typing import Any

import pytest
from django.utils import timezone

# Points around Crown Heights (snapped to coarse cells by the board).
PLACES = [
    {"lat": 40.6712, "lon": -73.9448},
    {"lat": 40.6650, "lon": -73.9500},
    {"lat": 40.6800, "lon": -73.9400},
    {"lat": 40.6600, "lon": -73.9300},
]


@pytest.fixture(autouse=True)
def _quick_plans(monkeypatch: pytest.MonkeyPatch) -> None:
    from mutualaid.deliveries import services

    monkeypatch.setattr(services, "PLAN_SECONDS", 0.2)


def make_need(group: Any, author: Any, title: str, place: dict[str, float], **extra: Any) -> Any:
    from mutualaid.exchange import services

    extra.setdefault("category", "food")
    return services.post_create(
        group=group,
        author=author,
        data=services.PostInput(kind="need", title=title, address=f"{title} street 1", **place, **extra),
    )


def at(hour: int, minute: int = 0) -> Any:
    from datetime import datetime

    return timezone.make_aware(datetime.combine(timezone.localdate(), time(hour, minute)))


def make_run(
    group: Any, ada: Any, driver: Any, *, needs: int = 3, capacity: int = 10, hours: bool = True
) -> Any:
    """A run for today with one depot, one driver (free 08:00-20:00 unless ``hours`` is false) and
    ``needs`` stops (ben's needs)."""
    from mutualaid.deliveries import services
    from mutualaid.members.models import User

    run = services.run_create(group=group, actor=ada, day=timezone.localdate())
    depot = services.depot_add(
        run=run, actor=ada, name="Hub", address="1 Hub Road", lat=40.6694, lon=-73.9422
    )
    services.driver_add(
        run=run,
        actor=ada,
        data=services.DriverInput(
            member=driver,
            capacity=capacity,
            depot=depot,
            shift_start=at(8) if hours else None,
            shift_end=at(20) if hours else None,
        ),
    )
    poster = User.objects.get(username="ben") if driver.username != "ben" else ada
    for k in range(needs):
        post = make_need(group, poster, f"Groceries {k}", PLACES[k % len(PLACES)])
        services.stop_add(run=run, actor=ada, post=post, door_note=f"ring twice {k}")
    return run
