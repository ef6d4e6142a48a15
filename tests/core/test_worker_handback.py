"""A worker killed mid-job leaves its job RUNNING; the other workers hand it back to the queue.

THREATS.md property 18 at the system level (bench/cluster.py kills a worker under load): nothing is
lost because a worker died. A live worker's jobs are never taken from it.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from mutualaid.core.workers import jobs_requeue_of, jobs_requeue_orphaned, worker_beat


def _running(worker_id: str) -> DBTaskResult:  # type: ignore[type-arg]
    return DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING,
        args_kwargs={"args": [], "kwargs": {}},
        task_path="mutualaid.core.tasks.purge_expired",
        worker_ids=[worker_id],
        backend_name="default",
        run_after=timezone.now(),
        started_at=timezone.now(),
    )


def test_a_dead_workers_job_goes_back_to_the_queue_and_a_live_ones_stays(db: Any) -> None:
    worker_beat("alive")
    live = _running("alive")
    dead = _running("killed-mid-job")

    assert jobs_requeue_orphaned() == 1
    dead.refresh_from_db()
    live.refresh_from_db()
    assert dead.status == TaskResultStatus.READY
    assert dead.started_at is None
    assert live.status == TaskResultStatus.RUNNING
    # Handed back once: a second reaper finds nothing more to do.
    assert jobs_requeue_orphaned() == 0


def test_a_worker_that_lost_the_database_hands_back_its_own_job(db: Any) -> None:
    worker_beat("me")
    mine = _running("me")
    other = _running("someone-else")
    worker_beat("someone-else")

    assert jobs_requeue_of("me") == 1
    mine.refresh_from_db()
    other.refresh_from_db()
    assert mine.status == TaskResultStatus.READY
    assert other.status == TaskResultStatus.RUNNING
