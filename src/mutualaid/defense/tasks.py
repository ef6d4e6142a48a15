"""Background jobs of the defense app. Each calls a service (STYLE.md)."""

from __future__ import annotations

from mutualaid.core.jobs import job
from mutualaid.defense import services


@job
def expire_alerts() -> int:
    return services.reports_expire()
