"""`mutualaid seized-report`: regenerate docs/what-a-seized-server-reveals.md from the schema."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mutualaid.core.classification import unclassified
from mutualaid.core.seized import REPORT_PATH, write_report


class Command(BaseCommand):
    help = "Write the list of every column a seized database shows in the clear (docs/what-a-seized-server-reveals.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", default=str(REPORT_PATH), help="Where to write the report.")

    def handle(self, *args: Any, **options: Any) -> None:
        missing = unclassified()
        if missing:
            raise CommandError(f"unclassified fields (classify them first): {', '.join(missing)}")
        path = Path(options["output"])
        write_report(path)
        self.stdout.write(f"Wrote {path}")
