"""Periodic work for housing: remind coordinators of check-ins that are due."""

from __future__ import annotations

from mutualaid.core.jobs import job
from mutualaid.housing import services


@job
def remind_checkins() -> int:
    return services.remind_checkins()
