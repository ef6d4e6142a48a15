"""Settings of the deliveries app, read from the environment (README lists them). Tests override them
through Django settings of the same name."""

from __future__ import annotations

from django.conf import settings

from mutualaid.core.env import env_str


def routing_url() -> str:
    """A road server's base URL for road travel times (empty: the straight-line estimate).

    The operator runs it; nothing else is contacted. Coarse cell centres are sent to it, and exact
    points only when it runs on this machine (a loopback address).
    """
    value = getattr(settings, "MUTUALAID_ROUTING_URL", None)
    if value is None:
        value = env_str("MUTUALAID_ROUTING_URL", "")
    return str(value).strip()


def routing_kind() -> str:
    """What answers at :func:`routing_url`: ``osrm`` (its ``table`` service, the default) or ``valhalla``
    (its ``sources_to_targets`` matrix service). Any other value plans on the straight-line estimate
    and says so in the plan's figures (``matrix``)."""
    value = getattr(settings, "MUTUALAID_ROUTING_KIND", None)
    if value is None:
        value = env_str("MUTUALAID_ROUTING_KIND", "osrm")
    return str(value).strip().lower() or "osrm"


def route_threads() -> int:
    """Searches the planner runs at once, a thread each (``MUTUALAID_ROUTE_THREADS``, read at start-up)."""
    return int(settings.MUTUALAID_ROUTE_THREADS)
