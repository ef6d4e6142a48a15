"""Workers that die mid-job: heartbeats, and jobs handed back to the queue when their worker is gone.

django-tasks' database worker marks a job RUNNING when it claims it and never looks at it again; a worker
killed mid-job (`kill -9`, an out-of-memory kill, a host that vanished) leaves that job RUNNING for ever.
Every `mutualaid worker` therefore says it is alive every half minute (a key in the shared database
cache, so every host sees it) and, in the same loop, hands back to the queue every RUNNING job whose
worker has not said so for `BEAT_EXPIRES` seconds. The hand-back is one conditional UPDATE, so two
workers reaping at once hand a job back once. A job may then run a second time: jobs are written to be
run again (mail and texts settle through their own "sending" state, see channels.outbox).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from django.core.cache import cache
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger("mutualaid.worker")

BEAT_EXPIRES = 120  # seconds without a heartbeat after which a worker counts as gone


def _key(worker_id: str) -> str:
    return f"mutualaid:worker-beat:{worker_id}"


def worker_beat(worker_id: str) -> None:
    """Say that this worker is alive."""
    cache.set(_key(worker_id), timezone.now().isoformat(), timeout=BEAT_EXPIRES)


def worker_alive(worker_id: str) -> bool:
    return cache.get(_key(worker_id)) is not None


def _hand_back(stopped: Callable[[list[str]], bool], now: datetime | None = None) -> int:
    """Put the RUNNING jobs whose claiming worker `stopped` back in the queue, once each."""
    now = now or timezone.now()
    handed_back = 0
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).values_list("pk", "worker_ids")
    for pk, worker_ids in running:
        if stopped(worker_ids or []):
            # Conditional on RUNNING: of two workers reaping at once, one hands the job back.
            handed_back += DBTaskResult.objects.filter(pk=pk, status=TaskResultStatus.RUNNING).update(
                status=TaskResultStatus.READY, run_after=now, started_at=None
            )
    if handed_back:
        logger.warning("handed %d job(s) of stopped workers back to the queue", handed_back)
    return handed_back


def jobs_requeue_orphaned(now: datetime | None = None) -> int:
    """Hand every RUNNING job whose worker stopped beating back to the queue; returns how many."""
    return _hand_back(lambda ids: not ids or not worker_alive(ids[-1]), now)


def jobs_requeue_of(worker_id: str) -> int:
    """Hand back the RUNNING jobs this worker claimed before it lost the database (it runs none now)."""
    return _hand_back(lambda ids: bool(ids) and ids[-1] == worker_id)
