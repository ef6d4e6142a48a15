"""Background jobs of core. A task body only calls a service (STYLE.md)."""

from __future__ import annotations

from django_tasks import task

from mutualaid.core import retention


@task()
def purge_expired() -> dict[str, int]:
    """Delete closed work and old metadata past their retention periods (run daily by the worker)."""
    return retention.purge_expired()
