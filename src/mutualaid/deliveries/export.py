"""What deliveries hold about a member, for their own download (core.export): the runs they drive, the
stops that bring something to them (door notes and exact point included), and for the stops they
drove, only what they did there (never the neighbour's address)."""

from __future__ import annotations

from typing import Any

from mutualaid.core.export import Names, rows
from mutualaid.deliveries.models import DeliveryRun, Driver, Stop, StopPointChange


def personal_data(user: Any) -> dict[str, Any]:
    names = Names(user)
    return {
        "runs_you_drive": rows(Driver.objects.filter(member=user).order_by("pk"), names=names),
        "stops_for_you": rows(Stop.objects.filter(post__author=user).order_by("pk"), names=names),
        "stops_you_drove": rows(
            Stop.objects.filter(driver__member=user).order_by("run_id", "sequence", "pk"),
            names=names,
            fields=(
                "id",
                "run",
                "post",
                "sequence",
                "eta",
                "outcome",
                "outcome_note",
                "outcome_at",
                "started_at",
            ),
        ),
        "runs_you_created": rows(
            DeliveryRun.objects.filter(created_by=user).order_by("pk"),
            names=names,
            fields=("id", "group", "date", "status", "created_at", "planned_at", "published_at"),
        ),
        "map_points_you_set": rows(StopPointChange.objects.filter(by=user).order_by("at", "pk"), names=names),
    }
