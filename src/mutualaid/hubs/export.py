"""What hubs hold about a member, for their own download (core.export): the stock movements they recorded."""

from __future__ import annotations

from typing import Any

from mutualaid.core.export import Names, rows
from mutualaid.hubs.models import Movement


def personal_data(user: Any) -> dict[str, Any]:
    names = Names(user)
    return {"stock_movements": rows(Movement.objects.filter(recorded_by=user).order_by("pk"), names=names)}
