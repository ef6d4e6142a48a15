"""`mutualaid purge`: delete what is past its retention period now (the worker also runs it daily)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from mutualaid.core.retention import purge_expired


class Command(BaseCommand):
    help = (
        "Delete closed work, used invitations, decided join requests and old audit rows past their retention."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Only count what would be deleted.")

    def handle(self, *args: Any, **options: Any) -> None:
        counts = purge_expired(dry_run=options["dry_run"])
        verb = "would delete" if options["dry_run"] else "deleted"
        for name, count in counts.items():
            self.stdout.write(f"{name}: {verb} {count}")
