"""Background jobs on django-tasks' database queue: retries with backoff, and periodic scheduling.

django-tasks-db runs each queued job once and records a failure; it does not retry. `job` wraps a
task so a failure queues the next attempt with exponential backoff (`run_after`) and an attempt
counter, and still re-raises, so every failed attempt stays visible to operators (admin, `mutualaid
jobs`). Task arguments are stored in the clear in the queue table: pass only ids, never personal data.

Periodic work (check-ins, digests, purges, matching rounds) is scheduled by every worker; a unique
(name, slot) row decides which worker schedules a slot, so two workers never schedule it twice.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task

from mutualaid.core.env import env_int
from mutualaid.core.registry import periodic_jobs

logger = logging.getLogger(__name__)

BACKOFF_BASE_SECONDS = 30
BACKOFF_MAX_SECONDS = 6 * 3600


def job_attempts() -> int:
    """MUTUALAID_JOB_ATTEMPTS: how many times a failing job runs (a Django setting of that name wins)."""
    if hasattr(settings, "MUTUALAID_JOB_ATTEMPTS"):
        return int(getattr(settings, "MUTUALAID_JOB_ATTEMPTS"))  # noqa: B009 - not a declared setting
    return env_int("MUTUALAID_JOB_ATTEMPTS", 5, minimum=1)


def backoff(attempt: int) -> timedelta:
    """Delay before attempt `attempt + 1`: 30 s, 2 min, 8 min, 32 min… capped at six hours."""
    return timedelta(seconds=min(BACKOFF_BASE_SECONDS * 4 ** (attempt - 1), BACKOFF_MAX_SECONDS))


def job(func: Callable[..., Any] | None = None, *, attempts: int | None = None, priority: int = 0) -> Any:
    """Declare a background job that is retried with backoff when it raises."""

    def wrap(inner: Callable[..., Any]) -> Any:
        @functools.wraps(inner)
        def run(*args: Any, attempt: int = 1, **kwargs: Any) -> Any:
            try:
                return inner(*args, **kwargs)
            except Exception:
                limit = attempts or job_attempts()
                if attempt < limit:
                    when = timezone.now() + backoff(attempt)
                    the_task.using(run_after=when).enqueue(*args, attempt=attempt + 1, **kwargs)
                    logger.warning(
                        "job %s failed (attempt %d of %d), retrying at %s",
                        inner.__name__,
                        attempt,
                        limit,
                        when.isoformat(),
                    )
                else:
                    logger.error(
                        "job %s failed (attempt %d of %d), giving up", inner.__name__, attempt, limit
                    )
                raise

        the_task = task(priority=priority)(run)
        return the_task

    return wrap(func) if func is not None else wrap


def enqueue_on_commit(the_task: Any, *args: Any, **kwargs: Any) -> None:
    """Queue a job once the current transaction commits (never for work that was rolled back)."""
    transaction.on_commit(lambda: the_task.enqueue(*args, **kwargs))


# Periodic jobs ------------------------------------------------------------------------------------


def schedule_due(now: datetime | None = None) -> list[str]:
    """Queue every periodic job whose current slot has not been scheduled yet; returns their names."""
    from django.utils.module_loading import import_string

    from mutualaid.core.models import PeriodicRun

    now = now or timezone.now()
    scheduled = []
    for periodic in periodic_jobs():
        slot = periodic.slot(now)
        if slot is None:
            continue
        try:
            with transaction.atomic():
                # The unique (name, slot) constraint is the lock: a second worker's insert fails.
                PeriodicRun.objects.create(name=periodic.name, slot=slot)
                import_string(periodic.task_path).enqueue()
        except IntegrityError:
            continue
        scheduled.append(periodic.name)
    return scheduled
