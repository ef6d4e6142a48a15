"""Background jobs for funds. A task body only calls a service."""

from __future__ import annotations

from django_tasks import task

from mutualaid.funds import services


@task()
def purge_settled_requests() -> int:
    return services.requests_purge()
