"""Helpers to read a database the way an adversary who seized it would: raw bytes of a dump."""

from __future__ import annotations

from pathlib import Path

from django.db import connection

from mutualaid.core.backup import dump_database


def database_bytes(directory: Path) -> bytes:
    """The SQLite file's bytes, or `pg_dump`'s plain output on PostgreSQL (committed rows only)."""
    path = directory / ("dump.sqlite3" if connection.vendor == "sqlite" else "dump.sql")
    dump_database(path, plain=True)
    return path.read_bytes()
