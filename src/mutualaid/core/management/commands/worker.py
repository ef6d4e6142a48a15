from __future__ import annotations

import logging
import threading
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection

logger = logging.getLogger("mutualaid.worker")

SCHEDULE_EVERY_SECONDS = 30


def _schedule_loop(stop: threading.Event) -> None:
    """Queue due periodic jobs every half minute. Every worker runs this; a unique row per period
    (channels.jobs.schedule_due) makes sure each period is scheduled once across all workers."""
    from mutualaid.channels.jobs import schedule_due

    while not stop.is_set():
        try:
            for name in schedule_due():
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
        extra = ["--interval", str(options["interval"]), "--no-startup-delay", "--no-reload"]
        if options["worker_id"]:
            extra += ["--worker-id", options["worker_id"]]
        if options["batch"]:
            if not options["no_schedule"]:
                from mutualaid.channels.jobs import schedule_due

                schedule_due()
            call_command("db_worker", "--queue-name", "*", "--batch", *extra)
            return
        stop = threading.Event()
        if not options["no_schedule"]:
            threading.Thread(target=_schedule_loop, args=(stop,), name="scheduler", daemon=True).start()
        try:
            call_command("db_worker", "--queue-name", "*", *extra)
        finally:
            stop.set()
