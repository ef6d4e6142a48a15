"""Background jobs of the board (run by `mutualaid worker`). Each calls a service (STYLE.md).

`expire_needs` is meant to run daily: register it with
`channels.jobs.register_periodic(Periodic("exchange.expire", "mutualaid.exchange.tasks.expire_needs", every_day))`
once tests/channels/test_delivery.py stops pinning the exact set of periodic jobs; until then run
`mutualaid expire_needs` daily (cron or a systemd timer).
"""

from __future__ import annotations

from mutualaid.channels.jobs import job
from mutualaid.exchange.services import posts_expire


@job
def expire_needs() -> dict[str, int]:
    reminded, expired = posts_expire()
    return {"reminded": reminded, "expired": expired}
