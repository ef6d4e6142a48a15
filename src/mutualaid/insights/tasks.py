"""Background jobs for insights, scheduled by the worker (see InsightsConfig.periodic)."""

from __future__ import annotations

from mutualaid.core.jobs import job
from mutualaid.insights import figures


@job
def refresh_figures() -> dict[str, int]:
    return figures.refresh()
