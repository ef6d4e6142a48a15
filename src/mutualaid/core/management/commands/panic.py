"""`mutualaid panic`: destroy the key ring at once (THREATS.md property 17)."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mutualaid.core.panic import panic


class Command(BaseCommand):
    help = (
        "Destroy the key ring: every contact detail, address, note and message becomes unreadable at once. "
        "The site stays up and says so. Cannot be undone (only a copy of the key ring kept elsewhere can)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")
        parser.add_argument(
            "--wipe-database", action="store_true", help="Also delete every row of the database."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["yes"]:
            if not sys.stdin.isatty():
                raise CommandError(
                    "Refusing to destroy the key ring without --yes when not run from a terminal."
                )
            answer = input("Type DESTROY to destroy the key ring now: ")
            if answer.strip() != "DESTROY":
                raise CommandError("Nothing was destroyed.")
        result = panic(wipe_database=options["wipe_database"])
        self.stdout.write(
            self.style.SUCCESS("The key ring was destroyed. Sensitive fields can no longer be read.")
        )
        if result.from_environment:
            self.stdout.write(
                self.style.WARNING(
                    "The key ring also lives in MUTUALAID_KEYRING: remove it from wherever it is kept (service file, "
                    "secrets store) on every server. Servers sharing this data directory stop using it now."
                )
            )
        if result.wiped_rows is not None:
            self.stdout.write(f"Deleted {result.wiped_rows} rows from the database.")
