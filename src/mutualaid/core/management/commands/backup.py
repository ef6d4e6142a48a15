"""`mutualaid backup FILE`: an encrypted archive of the database and private files (THREATS.md property 16)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mutualaid.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Write an encrypted backup (database + private files). Only the key ring opens it: keep a copy of it apart."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Where to write the archive, e.g. mutualaid-2026-05-01.backup")

    def handle(self, *args: Any, **options: Any) -> None:
        target = Path(options["file"])
        if target.exists():
            raise CommandError(f"{target} exists; choose a new file name.")
        try:
            manifest = backup_create(target=target)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        rows = sum(entry["rows"] for entry in manifest["tables"].values())
        self.stdout.write(f"Wrote {target}: {len(manifest['tables'])} tables, {rows} rows, encrypted.")
