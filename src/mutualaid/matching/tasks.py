"""Background jobs for matching, scheduled daily by the worker (see MatchingConfig.ready)."""

from __future__ import annotations

from mutualaid.core.jobs import job
from mutualaid.matching import services


@job
def run_scheduled_rounds() -> int:
    return services.rounds_run_scheduled()
