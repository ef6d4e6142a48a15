"""The commands an operator types while installing: secrets, refusing to start on an old schema, and one
sentence with the fix for PostgreSQL's permission errors."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from mutualaid.core.encryption import KeyRing
from mutualaid.core.operations import explain_database_error
from tests.deploy.envfile import parse_env_file


def mutualaid(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mutualaid.cli", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        env=env,
    )


@pytest.mark.own_install
def test_keys_init_print_env_is_one_line_that_systemd_and_the_shell_read_back(tmp_path: Path) -> None:
    result = mutualaid("keys", "init", "--print-env")
    assert result.returncode == 0, result.stderr
    line = result.stdout.strip()
    assert "\n" not in line and line.startswith("MUTUALAID_KEYRING='{")
    ring = KeyRing.from_json(parse_env_file(line)["MUTUALAID_KEYRING"])
    # What `set -a; . /etc/mutualaid/mutualaid.env` gives the wrapper in PREFIX/bin/mutualaid:
    (tmp_path / "env").write_text(line + "\n")
    shell = subprocess.run(
        ["/bin/sh", "-c", f'set -a; . {tmp_path / "env"}; printf %s "$MUTUALAID_KEYRING"'],
        capture_output=True,
        text=True,
        check=True,
    )
    assert KeyRing.from_json(shell.stdout).keys == ring.keys


@pytest.mark.own_install
def test_keys_init_file_is_private_and_never_overwritten(tmp_path: Path) -> None:
    target = tmp_path / "keys.json"
    first = mutualaid("keys", "init", "--file", str(target))
    assert first.returncode == 0 and oct(target.stat().st_mode & 0o777) == "0o600"
    before = target.read_text()
    again = mutualaid("keys", "init", "--file", str(target))
    assert again.returncode == 1 and "never overwritten" in again.stderr
    assert target.read_text() == before and json.loads(before)["primary"]


@pytest.mark.own_install
def test_secret_key_is_long_and_new_each_time() -> None:
    first, second = mutualaid("secret-key").stdout.strip(), mutualaid("secret-key").stdout.strip()
    assert len(first) >= 50 and len(set(first)) > 5 and first != second
    assert mutualaid("secret-key", "--env").stdout.startswith("SECRET_KEY=")


def test_serve_and_worker_refuse_to_start_on_unapplied_migrations(db: Any) -> None:
    """Django counts a migration applied when its row is in django_migrations: without the rows of the
    newest migration of two apps, the database is two migrations behind for the commands. (Migrating
    apps back for real and forward again took most of a minute and proved nothing more; the test's
    transaction puts the rows back.)"""
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.recorder import MigrationRecorder

    newest = sorted(
        key for key in MigrationLoader(connection).graph.leaf_nodes() if key[0] in {"exchange", "funds"}
    )
    assert len(newest) == 2
    for app, name in newest:
        MigrationRecorder(connection).record_unapplied(app, name)
    for command in ("serve", "worker"):
        with pytest.raises(CommandError, match=r"lacks 2 migration\(s\).*run `mutualaid migrate` once"):
            call_command(command)


def test_database_errors_are_explained_in_one_sentence_with_the_fix() -> None:
    cases = {
        'permission denied for schema public\nLINE 1: CREATE TABLE "django_migrations"': "createdb -O mutualaid",
        'connection failed: FATAL:  password authentication failed for user "mutualaid"': "createuser",
        'FATAL:  role "mutualaid" does not exist': "createuser",
        'connection failed: FATAL:  database "mutualaid" does not exist': "createdb -O mutualaid mutualaid",
        "connection failed: No such file or directory. Is the server running": "systemctl start postgresql",
    }
    for message, fix in cases.items():
        explained = explain_database_error(Exception(message))
        assert explained is not None and fix in explained, message
        assert explained.count(". ") == 0 and "\n" not in explained, "one sentence"
    assert explain_database_error(Exception("duplicate key value")) is None


@pytest.mark.postgres_only
def test_migrate_on_a_database_the_role_does_not_own_says_what_to_run(settings: Any) -> None:
    """PostgreSQL 15: a role that does not own the database may not create tables in schema public."""
    import os

    import psycopg
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's permission on schema public")
    params = connection.get_connection_params()
    admin = psycopg.connect(**{k: v for k, v in params.items() if k != "cursor_factory"}, autocommit=True)
    try:
        admin.execute("DROP DATABASE IF EXISTS mutualaid_notowner")
        admin.execute("DROP ROLE IF EXISTS mutualaid_notowner")
        admin.execute("CREATE ROLE mutualaid_notowner LOGIN PASSWORD 'drill-password'")
        admin.execute("CREATE DATABASE mutualaid_notowner")  # owned by the admin, as `createdb mutualaid` did
        host = params.get("host") or "localhost"
        url = f"postgres://mutualaid_notowner:drill-password@{host}:{params.get('port', 5432)}/mutualaid_notowner"
        env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
        env["DATABASE_URL"] = url
        result = mutualaid("migrate", env=env)
        assert result.returncode == 1
        last = result.stderr.strip().splitlines()[-1]
        assert "permission denied for schema public" in last and "createdb -O mutualaid" in last, (
            result.stderr
        )
        assert "Traceback" not in result.stderr
    finally:
        admin.execute("DROP DATABASE IF EXISTS mutualaid_notowner")
        admin.execute("DROP ROLE IF EXISTS mutualaid_notowner")
        admin.close()


def test_keys_init_through_django_writes_the_same_kind_of_file(tmp_path: Path) -> None:
    out = io.StringIO()
    call_command("keys", "init", "--file", str(tmp_path / "k.json"), stdout=out)
    assert "MUTUALAID_KEY_FILE=" in out.getvalue()
    assert KeyRing.from_json((tmp_path / "k.json").read_text()).primary
