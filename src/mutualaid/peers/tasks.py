"""The worker's peer jobs: deliver messages, refresh the shared directory, bring back stale offers."""

from __future__ import annotations

from mutualaid.core.jobs import job


@job
def deliver() -> dict[str, int]:
    from mutualaid.peers.delivery import run_due

    return run_due()


@job
def refresh_directory() -> dict[str, int]:
    from mutualaid.peers.directory import refresh_all

    return refresh_all()


@job
def expire_referrals() -> int:
    from mutualaid.peers.services import expire

    return expire()
