"""Deleted means gone from the files too (THREATS.md property 4).

A database keeps old bytes after a delete or an edit: SQLite in the freed space of its pages and in its
write-ahead log (`-wal`) until the log is recycled, PostgreSQL in dead tuples until VACUUM and in its WAL
segments until they are recycled. So:

- SQLite runs with `PRAGMA secure_delete = ON` (settings): deleted and overwritten content is zeroed in
  the database file itself.
- `forget()` copies the log into the database file and truncates the log to zero bytes
  (`PRAGMA wal_checkpoint(TRUNCATE)`); it runs after every commit that deleted or edited a row with
  sealed or personal fields (account deletion, purge, panic, key retirement, edits), and once an hour.
- PostgreSQL: `forget()` runs `VACUUM` on the tables of those rows, so dead tuples are pruned and their
  space reused. Their bytes can stay in free space and in WAL segments until PostgreSQL recycles them
  (docs/security.md says what an operator can do: `VACUUM FULL`, `CHECKPOINT`, short `wal_keep_size`).
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save


def forget(tables: set[str] | None = None) -> None:
    """Make the old bytes of deleted and edited rows unreachable from the database's files."""
    if connection.in_atomic_block:
        # A checkpoint or VACUUM cannot run inside a transaction (e.g. callbacks run by a test inside
        # its own); the hourly job catches up.
        return
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        elif connection.vendor == "postgresql":
            quote = connection.ops.quote_name
            for table in sorted(tables or ()):
                cursor.execute(f"VACUUM {quote(table)}")


class _Forget:
    """One `forget()` per transaction, however many rows it deleted or edited."""

    def __init__(self, table: str) -> None:
        self.tables = {table}
        self.__qualname__ = "forget"

    def __call__(self) -> None:
        forget(self.tables)


def forget_after_commit(table: str) -> None:
    """Run `forget()` once after the current transaction commits (at once outside a transaction)."""
    if not connection.in_atomic_block:
        forget({table})
        return
    for entry in connection.run_on_commit:
        func = entry[1]
        if isinstance(func, _Forget):
            func.tables.add(table)
            return
    transaction.on_commit(_Forget(table), robust=True)


def _personal(model: type[Any]) -> bool:
    from mutualaid.core.classification import ENCRYPTED, is_project_model

    if not is_project_model(model):
        return False
    if model._meta.label == "members.User":
        return True
    return any(getattr(f, "data_class", None) == ENCRYPTED for f in model._meta.concrete_fields)


def _on_save(sender: type[Any], created: bool, **kwargs: Any) -> None:
    if not created and _personal(sender):
        forget_after_commit(sender._meta.db_table)


def _on_delete(sender: type[Any], **kwargs: Any) -> None:
    if _personal(sender):
        forget_after_commit(sender._meta.db_table)


def connect() -> None:
    # Per model, not for every sender: a global delete receiver would stop Django's fast deletes of
    # everything else (search tokens, counters).
    for model in apps.get_models():
        if _personal(model):
            post_save.connect(_on_save, sender=model, dispatch_uid=f"core.forget.save.{model._meta.label}")
            post_delete.connect(
                _on_delete, sender=model, dispatch_uid=f"core.forget.delete.{model._meta.label}"
            )
