"""What an operator meets when starting processes: unapplied migrations and database permission errors,
each explained in one sentence that says what to run."""

from __future__ import annotations

from django.core.management.base import CommandError
from django.db import DatabaseError, connection


def unapplied_migrations() -> int:
    """How many migrations the database still lacks (0 when it is up to date)."""
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    targets = executor.loader.graph.leaf_nodes()
    return len(executor.migration_plan(targets))


def refuse_unmigrated(what: str) -> None:
    """Stop `serve` or `worker` with one clear line instead of a traceback on the first request."""
    try:
        missing = unapplied_migrations()
    except DatabaseError as exc:
        raise CommandError(explain_database_error(exc) or f"The database cannot be reached: {exc}") from None
    if missing:
        raise CommandError(
            f"The database lacks {missing} migration(s) of this version: run `mutualaid migrate` once "
            f"(on one host, after a backup), then start the {what} again."
        )


def explain_database_error(exc: BaseException) -> str | None:
    """One sentence with the fix for the PostgreSQL errors a new install meets, or None."""
    text = str(exc)
    if "permission denied for schema public" in text or "must be owner of" in text:
        return (
            "PostgreSQL refused to create tables (permission denied for schema public: since PostgreSQL 15 "
            "only the database's owner may): create the database owned by the app's role with "
            "`runuser -u postgres -- createdb -O mutualaid mutualaid`, or for an existing one run "
            '`runuser -u postgres -- psql -d mutualaid -c "ALTER SCHEMA public OWNER TO mutualaid"`.'
        )
    if "password authentication failed" in text or ("role" in text and "does not exist" in text):
        return (
            "PostgreSQL does not know this role or its password: create it with "
            "`runuser -u postgres -- createuser --pwprompt mutualaid` and use that password in DATABASE_URL "
            "(or DATABASE_URL=postgres:///mutualaid on the database host itself, as the mutualaid user)."
        )
    if "Peer authentication failed" in text:
        return (
            "PostgreSQL's peer authentication needs the system user and the role to match: run mutualaid "
            "as the mutualaid user (`/opt/mutualaid/bin/mutualaid` does), or give DATABASE_URL a password."
        )
    if "database" in text and "does not exist" in text:
        return "The database does not exist: create it with `runuser -u postgres -- createdb -O mutualaid mutualaid`."
    if "connection" in text and ("failed" in text or "refused" in text) and "authentication" not in text:
        return (
            "PostgreSQL cannot be reached at DATABASE_URL's host: start it (`systemctl start postgresql`) or "
            "correct DATABASE_URL in /etc/mutualaid/mutualaid.env."
        )
    return None
