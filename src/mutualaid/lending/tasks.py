"""Background jobs for the lending library, scheduled by the worker (see LendingConfig.periodic)."""

from __future__ import annotations

from mutualaid.core.jobs import job
from mutualaid.lending import services


@job
def send_reminders() -> dict[str, int]:
    before, after = services.send_reminders()
    return {"before": before, "after": after}
