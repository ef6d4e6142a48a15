"""Panic: destroy the key ring, and optionally the data (THREATS.md property 17).

Destroying the key ring is instant and total: every sealed field reads as "unrecoverable" from the next
request on, on every process that shares the key file. Wiping the database additionally deletes every
row (TRUNCATE on PostgreSQL; DELETE plus a VACUUM with secure_delete on SQLite, so freed pages are
zeroed). Neither can reach copies elsewhere: backups, replicas, the disk's own remapped blocks.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.dispatch import Signal

from mutualaid.core.encryption import destroy_keyring, keyring_from_environment

# Sent after the database was wiped, so apps drop what they cached about it (groups: "set up").
database_wiped = Signal()


@dataclass(frozen=True)
class PanicResult:
    from_environment: bool
    wiped_rows: int | None


def panic(*, wipe_database: bool = False) -> PanicResult:
    destroy_keyring()
    wiped = None
    if wipe_database:
        from mutualaid.core.backup import BOOKKEEPING_TABLES, table_summary

        wiped = sum(e["rows"] for t, e in table_summary().items() if t not in BOOKKEEPING_TABLES)
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA secure_delete = ON")
        call_command("flush", interactive=False, verbosity=0)
        cache.clear()
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM")
        database_wiped.send(sender=PanicResult)
    from mutualaid.core.forget import forget

    if not connection.in_atomic_block:
        forget()
    return PanicResult(from_environment=keyring_from_environment(), wiped_rows=wiped)
