"""Encrypted backups and drilled restores (THREATS.md property 16).

`mutualaid backup FILE` writes one archive: the database (SQLite through its online backup API,
PostgreSQL through pg_dump) and the private files under MUTUALAID_DATA_DIR/private, sealed with a key
derived from the key ring. The archive alone reveals nothing, not even table names; keep the key ring
apart from it (docs/security.md).

The backup key is derived from the key ring's index key, which never rotates, so `mutualaid keys rotate`
does not orphan old archives; `mutualaid panic` does, on purpose.

Archive format (version 1): b"MABK1" + 16-byte salt, then chunks of [4-byte length][AES-256-GCM sealed
chunk]. The nonce is the chunk counter with a final-chunk flag, so reordered, dropped or truncated
chunks fail to open. The key is HKDF-SHA256(index key, salt, "mutualaid backup v1"), fresh per archive.
"""

from __future__ import annotations

import glob
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from mutualaid.core.encryption import KeyRing, KeyRingError, load_keyring

MAGIC = b"MABK1"
SALT_BYTES = 16
CHUNK = 1024 * 1024
FORMAT_VERSION = 1
# Tables that `migrate` fills by itself, and the cache (rate-limit counters): an "empty" database may
# already hold rows there.
BOOKKEEPING_TABLES = frozenset(
    {
        "django_migrations",
        "django_content_type",
        "auth_permission",
        "mutualaid_cache",
        # SQLite's FTS5 index of the board writes its own structure rows when it is created.
        "exchange_post_fts_config",
        "exchange_post_fts_data",
        "exchange_post_fts_docsize",
        "exchange_post_fts_idx",
    }
)


class BackupError(RuntimeError):
    pass


# Encryption -----------------------------------------------------------------------------------------


def _backup_key(ring: KeyRing, salt: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"mutualaid backup v1").derive(
        ring.index_key
    )


def _nonce(counter: int, final: bool) -> bytes:
    return counter.to_bytes(11, "big") + (b"\x01" if final else b"\x00")


def _require_ring() -> KeyRing:
    try:
        ring = load_keyring()
    except KeyRingError as exc:
        raise BackupError(str(exc)) from None
    if ring is None:
        raise BackupError(
            "the key ring was destroyed (mutualaid panic): backups can neither be made nor read"
        )
    return ring


def seal_stream(source: BinaryIO, target: BinaryIO, ring: KeyRing) -> None:
    salt = os.urandom(SALT_BYTES)
    header = MAGIC + salt
    aead = AESGCM(_backup_key(ring, salt))
    target.write(header)
    counter = 0
    chunk = source.read(CHUNK)
    while True:
        following = source.read(CHUNK)
        final = not following
        sealed = aead.encrypt(_nonce(counter, final), chunk, header)
        target.write(len(sealed).to_bytes(4, "big") + sealed)
        if final:
            return
        chunk, counter = following, counter + 1


def open_stream(source: BinaryIO, target: BinaryIO, ring: KeyRing) -> None:
    header = source.read(len(MAGIC) + SALT_BYTES)
    if not header.startswith(MAGIC) or len(header) != len(MAGIC) + SALT_BYTES:
        raise BackupError("this is not a mutualaid backup archive")
    aead = AESGCM(_backup_key(ring, header[len(MAGIC) :]))
    counter = 0
    while True:
        size_bytes = source.read(4)
        if len(size_bytes) != 4:
            raise BackupError("the archive is truncated")
        sealed = source.read(int.from_bytes(size_bytes, "big"))
        for final in (False, True):
            try:
                target.write(aead.decrypt(_nonce(counter, final), sealed, header))
            except InvalidTag:
                continue
            if final:
                if source.read(1):
                    raise BackupError("the archive has data after its last chunk")
                return
            break
        else:
            raise BackupError(
                "the archive cannot be opened with this key ring (wrong keys, or it was altered)"
            )
        counter += 1


# Database dumps -------------------------------------------------------------------------------------


def postgres_tool(name: str) -> str:
    found = shutil.which(name)
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    if candidates:
        return candidates[0]
    if found:
        return found
    raise BackupError(f"{name} was not found; install PostgreSQL's client programs")


def _pg_args_env() -> tuple[list[str], dict[str, str]]:
    db = connection.settings_dict
    args = ["--dbname", db["NAME"]]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def dump_database(path: Path, *, plain: bool = False, snapshot: str | None = None) -> None:
    """Write a consistent copy of the live database to `path` (SQLite file, or pg_dump output)."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    elif connection.vendor == "postgresql":
        args, env = _pg_args_env()
        fmt = ["--format", "plain"] if plain else ["--format", "custom", "--compress", "0"]
        if snapshot:
            fmt += ["--snapshot", snapshot]
        subprocess.run(  # noqa: S603 - fixed program, arguments from settings
            [postgres_tool("pg_dump"), *fmt, "--no-owner", "--no-privileges", "--file", str(path), *args],
            check=True,
            env=env,
            capture_output=True,
        )
    else:
        raise BackupError(f"backups of {connection.vendor} databases are not supported")


def load_database(path: Path) -> None:
    """Replace the live database's contents with a dump made by `dump_database`."""
    connection.close()
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(path)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    elif connection.vendor == "postgresql":
        args, env = _pg_args_env()
        result = subprocess.run(  # noqa: S603 - fixed program, arguments from settings
            [
                postgres_tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                *args,
                str(path),
            ],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_restore failed: {result.stderr.strip()[-2000:]}")
    else:
        raise BackupError(f"backups of {connection.vendor} databases are not supported")
    connection.close()


# Row counts and ledger checksums ---------------------------------------------------------------------


def _summarise(cursor: Any, tables: list[str], columns_of: Any, quote: Any) -> dict[str, dict[str, int]]:
    summary: dict[str, dict[str, int]] = {}
    for table in sorted(tables):
        columns = [c for c in columns_of(table) if c.lower().startswith("amount")]
        parts = ["COUNT(*)"] + [f"COALESCE(SUM({quote(c)}), 0)" for c in columns]
        cursor.execute(f"SELECT {', '.join(parts)} FROM {quote(table)}")  # noqa: S608 - names from introspection
        row = cursor.fetchone()
        entry = {"rows": int(row[0])}
        for name, total in zip(columns, row[1:], strict=True):
            if isinstance(total, int):
                entry[f"sum:{name}"] = total
        summary[table] = entry
    return summary


def table_summary() -> dict[str, dict[str, int]]:
    """Per table: the row count, and the sum of every integer column whose name starts with "amount".

    Generic over the schema, so every ledger (funds, sharing, …) is compared without naming it.
    """
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)

        def columns_of(table: str) -> list[str]:
            return [col.name for col in connection.introspection.get_table_description(cursor, table)]

        return _summarise(cursor, tables, columns_of, connection.ops.quote_name)


def _sqlite_file_summary(path: Path) -> dict[str, dict[str, int]]:
    """The summary of a SQLite dump, read from the dump itself so it matches it exactly."""
    db = sqlite3.connect(path)
    try:
        cursor = db.cursor()
        tables = [
            r[0]
            for r in cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]

        def quote(name: str) -> str:
            return '"' + name.replace('"', '""') + '"'

        def columns_of(table: str) -> list[str]:
            return [r[1] for r in db.execute(f"PRAGMA table_info({quote(table)})")]

        return _summarise(cursor, tables, columns_of, quote)
    finally:
        db.close()


def dump_with_summary(path: Path) -> dict[str, dict[str, int]]:
    """Dump the database and summarise exactly what the dump holds, even while the server writes."""
    if connection.vendor == "sqlite":
        dump_database(path)
        return _sqlite_file_summary(path)
    if connection.vendor != "postgresql":
        raise BackupError(f"backups of {connection.vendor} databases are not supported")
    # One snapshot for pg_dump and for our counts: rows committed in between appear in neither.
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
        dump_database(path, snapshot=snapshot)
        return table_summary()


def database_is_empty() -> bool:
    """True when no table holds rows beyond what `migrate` writes by itself."""
    return all(
        entry["rows"] == 0 for table, entry in table_summary().items() if table not in BOOKKEEPING_TABLES
    )


# Archives -------------------------------------------------------------------------------------------


def private_dir() -> Path:
    return Path(settings.DATA_DIR) / "private"


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    info.mtime = int(timezone.now().timestamp())
    archive.addfile(info, io.BytesIO(data))


def backup_create(*, target: Path) -> dict[str, Any]:
    """Write an encrypted archive of the database and the private files; returns its manifest."""
    ring = _require_ring()
    # The unsealed dump exists only briefly, next to the database it copies (never in a shared /tmp).
    with tempfile.TemporaryDirectory(prefix=".backup-", dir=settings.DATA_DIR) as tmp:
        work = Path(tmp)
        dump = work / "database"
        tables = dump_with_summary(dump)
        manifest = {
            "format": FORMAT_VERSION,
            "vendor": connection.vendor,
            "created_at": timezone.now().isoformat(),
            "apps": sorted(app.label for app in apps.get_app_configs()),
            "tables": tables,
        }
        plain = work / "archive.tar"
        with tarfile.open(plain, "w") as archive:
            _add_bytes(archive, "manifest.json", json.dumps(manifest, indent=1, sort_keys=True).encode())
            archive.add(dump, arcname="database")
            if private_dir().is_dir():
                archive.add(private_dir(), arcname="private")
        partial = target.with_name(target.name + ".partial")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out, open(plain, "rb") as source:
            seal_stream(source, out, ring)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, target)
    return manifest


def _members(archive: tarfile.TarFile) -> Iterator[tarfile.TarInfo]:
    for member in archive.getmembers():
        name = Path(member.name)
        if name.is_absolute() or ".." in name.parts or not (member.isfile() or member.isdir()):
            raise BackupError(f"the archive holds an unexpected entry: {member.name}")
        yield member


def backup_restore(*, source: Path, force: bool = False) -> dict[str, Any]:
    """Bring an archive back into an empty database; returns its manifest after checking the counts."""
    ring = _require_ring()
    if not force and not database_is_empty():
        raise BackupError("the database is not empty: restore only into a freshly migrated, empty database")
    with tempfile.TemporaryDirectory(prefix=".restore-", dir=settings.DATA_DIR) as tmp:
        work = Path(tmp)
        plain = work / "archive.tar"
        with open(source, "rb") as sealed, open(plain, "wb") as out:
            open_stream(sealed, out, ring)
        with tarfile.open(plain, "r") as archive:
            members = list(_members(archive))
            archive.extractall(work / "x", members=members, filter="data")
        manifest: dict[str, Any] = json.loads((work / "x" / "manifest.json").read_text())
        if manifest.get("format") != FORMAT_VERSION:
            raise BackupError(f"unknown archive format {manifest.get('format')!r}")
        if manifest.get("vendor") != connection.vendor:
            raise BackupError(
                f"the archive holds a {manifest.get('vendor')} database; this server uses {connection.vendor}"
            )
        load_database(work / "x" / "database")
        if (work / "x" / "private").is_dir():
            shutil.copytree(work / "x" / "private", private_dir(), dirs_exist_ok=True)
    after = table_summary()
    differing = sorted(t for t, entry in manifest["tables"].items() if after.get(t) != entry)
    if differing:
        raise BackupError(f"restored tables differ from the archive's manifest: {', '.join(differing)}")
    return manifest
