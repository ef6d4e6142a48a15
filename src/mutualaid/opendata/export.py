"""What open data holds about a member, for their own download (core.export): publishing switches they set."""

from __future__ import annotations

from typing import Any

from mutualaid.core.export import Names, rows
from mutualaid.opendata.models import Publishing


def personal_data(user: Any) -> dict[str, Any]:
    names = Names(user)
    return {"publishing_you_changed": rows(Publishing.objects.filter(changed_by=user), names=names)}
