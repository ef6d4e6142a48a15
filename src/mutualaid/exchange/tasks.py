"""Background jobs of the board, run by `mutualaid worker`; `expire_needs` daily (registered in apps.py)."""

from __future__ import annotations

from mutualaid.core.jobs import job
from mutualaid.exchange.services import posts_expire


@job
def expire_needs() -> dict[str, int]:
    reminded, expired = posts_expire()
    return {"reminded": reminded, "expired": expired}
