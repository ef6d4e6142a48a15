"""`mutualaid restore FILE`: bring an encrypted archive back into an empty database (property 16)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mutualaid.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore an archive written by `mutualaid backup` into an empty, migrated database, with the key ring "
        "that wrote it in place (MUTUALAID_KEY_FILE or MUTUALAID_KEYRING). Row counts are checked afterwards."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument(
            "--force", action="store_true", help="Replace a database that is not empty (its rows are lost)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source = Path(options["file"])
        if not source.is_file():
            raise CommandError(f"{source} does not exist.")
        try:
            manifest = backup_restore(source=source, force=options["force"])
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        rows = sum(entry["rows"] for entry in manifest["tables"].values())
        self.stdout.write(
            f"Restored the backup of {manifest['created_at']}: {len(manifest['tables'])} tables, {rows} rows; "
            "every table's row count and amount totals match the archive."
        )
