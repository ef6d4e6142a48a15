"""`mutualaid restore FILE`: bring an encrypted archive back into an empty database (property 16)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mutualaid.core.backup import BackupError, backup_restore
from mutualaid.core.encryption import destroyed_marker, key_file, keyring_from_environment


def refuse_without_keyring() -> None:
    """A restore needs the key ring that wrote the archive; never create a new one on the way."""
    if keyring_from_environment():
        return
    path = key_file()
    if destroyed_marker().exists():
        raise CommandError(
            f"The key ring at {path} was destroyed (mutualaid panic): put the key ring that wrote this backup "
            f"in place (MUTUALAID_KEY_FILE or MUTUALAID_KEYRING) and remove {destroyed_marker()} first."
        )
    if not path.is_file():
        raise CommandError(
            f"No key ring at {path} and MUTUALAID_KEYRING is unset: put the key ring that wrote this backup "
            "in place first (a new key ring could not open it, so restore never creates one)."
        )


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
        refuse_without_keyring()
        try:
            manifest = backup_restore(source=source, force=options["force"])
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        rows = sum(entry["rows"] for entry in manifest["tables"].values())
        self.stdout.write(
            f"Restored the backup of {manifest['created_at']}: {len(manifest['tables'])} tables, {rows} rows; "
            "every table's row count and amount totals match the archive."
        )
