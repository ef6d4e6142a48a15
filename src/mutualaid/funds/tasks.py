"""Background jobs for funds, scheduled daily by the worker (see FundsConfig.ready). Each calls a service."""

from __future__ import annotations

from mutualaid.core.jobs import job
from mutualaid.funds import notices, services


@job
def purge_settled_requests() -> int:
    return services.requests_purge()


@job
def remind_due_pledges() -> int:
    return notices.pledges_due()
