from __future__ import annotations

import logging
import threading
import uuid
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import InterfaceError, OperationalError, connection, connections

logger = logging.getLogger("mutualaid.worker")

SCHEDULE_EVERY_SECONDS = 30


def _schedule_loop(stop: threading.Event, worker_id: str, schedule: bool) -> None:
    """Every half minute: say this worker is alive, hand back the jobs of workers that died mid-job
    (core.workers), and queue due periodic jobs. Every worker runs this; a unique row per period
    (core.jobs.schedule_due) makes sure each period is scheduled once across all workers."""
    from mutualaid.core.jobs import schedule_due
    from mutualaid.core.workers import jobs_requeue_orphaned, worker_beat

    while not stop.is_set():
        try:
            worker_beat(worker_id)
            jobs_requeue_orphaned()
        except Exception:
            logger.exception("checking on other workers failed; trying again shortly")
        try:
            for name in schedule_due() if schedule else ():
                logger.info("scheduled periodic job %s", name)
        except Exception:
            logger.exception("scheduling periodic jobs failed; trying again shortly")
        finally:
            connection.close()  # this thread's own connection; do not hold it while sleeping
        stop.wait(SCHEDULE_EVERY_SECONDS)


class Command(BaseCommand):
    help = "Run background jobs (e-mail, SMS, reminders, purges, matching rounds) from the database queue."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch",
            action="store_true",
            help="Schedule due periodic jobs, run the jobs that are due, then exit.",
        )
        parser.add_argument(
            "--no-schedule", action="store_true", help="Only run queued jobs; schedule no periodic ones."
        )
        parser.add_argument(
            "--interval", type=float, default=1.0, help="Seconds to wait when the queue is empty (default 1)."
        )
        parser.add_argument(
            "--worker-id", default=None, help="A unique name for this worker (default: random)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from mutualaid.core.operations import refuse_unmigrated

        refuse_unmigrated("worker")
        # Our own id, always: heartbeats (core.workers) name the worker that claimed a job.
        worker_id = options["worker_id"] or f"worker-{uuid.uuid4().hex[:12]}"
        extra = ["--interval", str(options["interval"]), "--no-startup-delay", "--no-reload"]
        extra += ["--worker-id", worker_id]
        stop = threading.Event()
        if options["batch"] and not options["no_schedule"]:
            from mutualaid.core.jobs import schedule_due

            schedule_due()
        threading.Thread(
            target=_schedule_loop,
            args=(stop, worker_id, not options["no_schedule"] and not options["batch"]),
            name="scheduler",
            daemon=True,
        ).start()
        try:
            if options["batch"]:
                call_command("db_worker", "--queue-name", "*", "--batch", *extra)
            else:
                _work_through_outages(extra, worker_id, stop)
        finally:
            stop.set()


def _work_through_outages(extra: list[str], worker_id: str, stop: threading.Event) -> None:
    """Run the queue; when the database goes away (restart, failover), wait and reconnect.

    django-tasks' worker exits on a lost connection; a worker that dies whenever PostgreSQL restarts
    leaves the queue to the others, or to nobody. The job it was running when the connection broke is
    still marked RUNNING under this worker's id: it is handed back to the queue before starting over.
    """
    from mutualaid.core.workers import jobs_requeue_of

    delay = 1.0
    first = True
    while True:
        try:
            if not first:
                jobs_requeue_of(worker_id)
            first = False
            call_command("db_worker", "--queue-name", "*", *extra)
            return  # stopped on purpose (SIGINT/SIGTERM)
        except (OperationalError, InterfaceError) as exc:
            logger.warning("lost the database (%s); reconnecting in %.0f s", type(exc).__name__, delay)
            connections.close_all()
            if stop.wait(delay):
                return
            delay = min(delay * 2, 30.0)
