"""THREATS.md property 16: backups are encrypted and restore is drilled. Back up the demo network, empty
the database, restore, and compare every table's row count and every ledger's amount totals."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from mutualaid.core.backup import _summarise, table_summary
from tests.conftest import make_user

EMAIL = "drill@example.org"


@pytest.fixture
def network(transactional_db: Any, own_keyring: Path, settings: Any, tmp_path: Path) -> Path:
    from mutualaid.demo import load_demo
    from mutualaid.groups.models import Group
    from mutualaid.members import services

    settings.DATA_DIR = tmp_path / "data"
    private = settings.DATA_DIR / "private"
    private.mkdir(parents=True)
    (private / "receipt-1.txt").write_text("a private file")
    load_demo()
    ada = make_user("drill-ada", email=EMAIL, phone="+1 718 555 0199")
    services.invitation_create(group=Group.objects.get(slug="crown-heights"), created_by=ada, note="a note")
    return private


def _backup(target: Path) -> str:
    out = io.StringIO()
    call_command("backup", str(target), stdout=out)
    return out.getvalue()


def test_backup_and_restore_into_an_empty_database(network: Path, tmp_path: Path) -> None:
    from mutualaid.members.models import User

    before = table_summary()
    archive = tmp_path / "network.backup"
    assert "encrypted" in _backup(archive)
    assert archive.stat().st_mode & 0o077 == 0

    call_command("flush", interactive=False, verbosity=0)
    (network / "receipt-1.txt").unlink()
    assert User.objects.count() == 0

    out = io.StringIO()
    call_command("restore", str(archive), stdout=out)
    assert "every table's row count and amount totals match" in out.getvalue()
    assert table_summary() == before
    assert sum(entry["rows"] for entry in before.values()) > 50
    assert User.objects.get(username="drill-ada").email == EMAIL
    assert (network / "receipt-1.txt").read_text() == "a private file"


def test_the_archive_alone_reveals_nothing(network: Path, tmp_path: Path) -> None:
    archive = tmp_path / "network.backup"
    _backup(archive)
    data = archive.read_bytes()
    for needle in [
        b"members_user",
        b"Crown Heights",
        b"drill-ada",
        b"CREATE TABLE",
        b"private file",
        b"manifest",
    ]:
        assert needle not in data


def test_restore_refuses_a_database_that_is_not_empty(network: Path, tmp_path: Path) -> None:
    archive = tmp_path / "network.backup"
    _backup(archive)
    with pytest.raises(CommandError, match="the database is not empty"):
        call_command("restore", str(archive))


def test_restore_needs_the_key_ring_that_wrote_the_archive(
    network: Path, tmp_path: Path, settings: Any
) -> None:
    archive = tmp_path / "network.backup"
    _backup(archive)
    call_command("flush", interactive=False, verbosity=0)
    other = tmp_path / "other" / "keys.json"
    settings.MUTUALAID_KEY_FILE = other
    # No key ring at all: restore stops before creating one (a new ring could never open the archive).
    with pytest.raises(CommandError, match="No key ring at .* restore never creates one"):
        call_command("restore", str(archive))
    assert not other.exists()
    # Another install's key ring: the archive does not open.
    other.parent.mkdir()
    call_command("keys", "init", "--file", str(other), stdout=io.StringIO())
    with pytest.raises(CommandError, match="cannot be opened with this key ring"):
        call_command("restore", str(archive))


def test_a_tampered_or_truncated_archive_is_refused(network: Path, tmp_path: Path) -> None:
    archive = tmp_path / "network.backup"
    _backup(archive)
    call_command("flush", interactive=False, verbosity=0)
    data = bytearray(archive.read_bytes())
    tampered = tmp_path / "tampered.backup"
    data[len(data) // 2] ^= 1
    tampered.write_bytes(bytes(data))
    with pytest.raises(CommandError, match="cannot be opened"):
        call_command("restore", str(tampered))
    truncated = tmp_path / "truncated.backup"
    truncated.write_bytes(archive.read_bytes()[: len(data) - 100])
    with pytest.raises(CommandError):
        call_command("restore", str(truncated))


def test_key_rotation_does_not_orphan_old_backups(network: Path, tmp_path: Path) -> None:
    from mutualaid.members.models import User

    archive = tmp_path / "network.backup"
    _backup(archive)
    call_command("keys", "rotate", stdout=io.StringIO())
    call_command("flush", interactive=False, verbosity=0)
    call_command("restore", str(archive), stdout=io.StringIO())
    assert User.objects.get(username="drill-ada").email == EMAIL


def test_backup_refuses_an_existing_file(network: Path, tmp_path: Path) -> None:
    archive = tmp_path / "network.backup"
    archive.write_text("keep me")
    with pytest.raises(CommandError, match="exists"):
        _backup(archive)
    assert archive.read_text() == "keep me"


def test_ledger_checksums_sum_every_amount_column() -> None:
    """Generic over ledgers: every integer column named amount* is summed per table."""
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE ledger (id INTEGER, amount_minor INTEGER, amount_cents INTEGER, note TEXT)")
    db.executemany("INSERT INTO ledger VALUES (?, ?, ?, ?)", [(1, 500, 1, "a"), (2, -200, 2, "b")])

    def columns_of(table: str) -> list[str]:
        return [r[1] for r in db.execute(f"PRAGMA table_info({table})")]

    summary = _summarise(db.cursor(), ["ledger"], columns_of, lambda n: f'"{n}"')
    assert summary == {"ledger": {"rows": 2, "sum:amount_minor": 300, "sum:amount_cents": 3}}
