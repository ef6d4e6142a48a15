"""Background jobs for shifts, scheduled by the worker (see ShiftsConfig.periodic). Each calls a service."""

from __future__ import annotations

from mutualaid.core.jobs import job
from mutualaid.shifts import services


@job
def materialise_occurrences() -> int:
    return services.materialise_all()


@job
def check_staffing() -> dict[str, int]:
    return services.check_staffing()


@job
def run_distribution_days() -> dict[str, int]:
    from mutualaid.shifts import distribution

    return distribution.run()
