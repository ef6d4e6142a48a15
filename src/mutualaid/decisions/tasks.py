"""Background jobs for decisions, scheduled by the worker (see DecisionsConfig.periodic)."""

from __future__ import annotations

from mutualaid.core.jobs import job
from mutualaid.decisions import services


@job
def close_due() -> int:
    return services.close_due()


@job
def remind_due() -> int:
    return services.remind_due()
