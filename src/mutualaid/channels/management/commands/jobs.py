from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone


class Command(BaseCommand):
    help = (
        "List background jobs that failed, are waiting or are running (no arguments are shown: they are ids)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--status", choices=["failed", "ready", "running", "all"], default="failed")
        parser.add_argument("--limit", type=int, default=50)

    def handle(self, *args: Any, **options: Any) -> None:
        from django_tasks_db.models import DBTaskResult

        results = DBTaskResult.objects.all()
        if options["status"] != "all":
            results = results.filter(status=options["status"].upper())
        results = results.order_by("-enqueued_at")[: options["limit"]]
        now = timezone.now()
        rows = 0
        for result in results:
            attempt = result.args_kwargs.get("kwargs", {}).get("attempt", 1)
            last_line = (result.traceback.strip().splitlines() or [""])[-1][:120]
            when = result.finished_at or result.run_after
            age = (
                f"{int((now - when).total_seconds())}s ago"
                if when and when <= now
                else f"due {when:%Y-%m-%d %H:%M}"
            )
            self.stdout.write(
                f"{result.status:<10} {result.task_name:<24} attempt {attempt:<2} {age:<20} {result.id}  {last_line}"
            )
            rows += 1
        if not rows:
            self.stdout.write(f"No {options['status']} jobs.")
