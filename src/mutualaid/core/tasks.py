"""Background jobs of core. A task body only calls a service (STYLE.md)."""

from __future__ import annotations

from django_tasks import task

from mutualaid.core import forget, retention


@task()
def purge_expired() -> dict[str, int]:
    """Delete closed work and old metadata past their retention periods (run daily by the worker)."""
    return retention.purge_expired()  # forgets the old bytes itself


@task()
def forget_deleted() -> None:
    """Old bytes of deleted and edited rows out of the database's files (core.forget)."""
    forget.forget({"exchange_post", "members_user", "exchange_message", "exchange_contact"})
