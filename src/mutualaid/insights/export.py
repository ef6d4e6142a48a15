"""What insights hold about a member, for their own download (core.export): impact pages they changed."""

from __future__ import annotations

from typing import Any

from mutualaid.core.export import Names, rows
from mutualaid.insights.models import ImpactPage


def personal_data(user: Any) -> dict[str, Any]:
    names = Names(user)
    return {"impact_pages_you_changed": rows(ImpactPage.objects.filter(changed_by=user), names=names)}
