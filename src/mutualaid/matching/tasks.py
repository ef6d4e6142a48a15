"""Background jobs for matching: the daily rounds (scheduled by the worker, see MatchingConfig.ready) and a
coordinator's round, queued by `services.round_request`."""

from __future__ import annotations

from mutualaid.core.jobs import job
from mutualaid.matching import services


@job
def run_scheduled_rounds() -> int:
    return services.rounds_run_scheduled()


# One attempt: a failed round is recorded as failed, and the coordinator decides whether to run another.
# (`job` with options is untyped; the task must keep this module-level name for the worker to find it.)
@job(attempts=1)  # type: ignore[untyped-decorator]
def run_round(round_id: int) -> str:
    return services.round_run_queued(round_id=round_id)
