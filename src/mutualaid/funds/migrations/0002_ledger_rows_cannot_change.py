"""Posted ledger rows cannot change, not even by a hand-written UPDATE: the database refuses it.

Services only ever insert transactions and entries (a mistake is corrected by a reversing transaction);
these triggers make that a property of the database, so a bug, a shell session or a restored script
cannot quietly rewrite the books. Not guarded: the sealed `reference` and `contributor` columns (key
rotation re-seals them) and `posted_by` / `pledge` (set to NULL when an account or pledge is deleted).
Deletes are already refused by the PROTECT foreign keys.

Django rebuilds a SQLite table when a later migration alters its columns, which drops its triggers:
such a migration must run `create` again (tests/funds/test_ledger_immutable.py checks they hold).
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

GUARDED = (
    "fund_id",
    "kind",
    "category",
    "currency",
    "amount",
    "method",
    "occurred_on",
    "posted_at",
    "reverses_id",
    "request_id",
)
MESSAGE = "posted ledger rows cannot change; post a reversing transaction instead"

SQLITE_CHANGED = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in GUARDED)
SQLITE_CREATE = [
    f"CREATE TRIGGER IF NOT EXISTS funds_transaction_immutable BEFORE UPDATE ON funds_transaction "
    f"WHEN {SQLITE_CHANGED} BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
    "CREATE TRIGGER IF NOT EXISTS funds_entry_immutable BEFORE UPDATE ON funds_entry "
    "WHEN OLD.transaction_id IS NOT NEW.transaction_id OR OLD.account_id IS NOT NEW.account_id OR OLD.amount IS NOT NEW.amount "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS funds_transaction_immutable",
    "DROP TRIGGER IF EXISTS funds_entry_immutable",
]

PG_CHANGED = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in GUARDED)
PG_CREATE = [
    # SQLSTATE 23514 (check_violation): Django reports it as an IntegrityError, as SQLite's ABORT.
    "CREATE OR REPLACE FUNCTION funds_ledger_immutable() RETURNS trigger LANGUAGE plpgsql AS $$ "
    f"BEGIN RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = '23514'; END $$",
    f"CREATE TRIGGER funds_transaction_immutable BEFORE UPDATE ON funds_transaction FOR EACH ROW "
    f"WHEN ({PG_CHANGED}) EXECUTE FUNCTION funds_ledger_immutable()",
    "CREATE TRIGGER funds_entry_immutable BEFORE UPDATE ON funds_entry FOR EACH ROW "
    "WHEN (OLD.transaction_id IS DISTINCT FROM NEW.transaction_id OR OLD.account_id IS DISTINCT FROM NEW.account_id "
    "OR OLD.amount IS DISTINCT FROM NEW.amount) EXECUTE FUNCTION funds_ledger_immutable()",
]
PG_DROP = [
    "DROP TRIGGER IF EXISTS funds_transaction_immutable ON funds_transaction",
    "DROP TRIGGER IF EXISTS funds_entry_immutable ON funds_entry",
    "DROP FUNCTION IF EXISTS funds_ledger_immutable()",
]


def create(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    vendor = schema_editor.connection.vendor
    for statement in {"sqlite": SQLITE_CREATE, "postgresql": PG_CREATE}.get(vendor, []):
        schema_editor.execute(statement)


def drop(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    vendor = schema_editor.connection.vendor
    for statement in {"sqlite": SQLITE_DROP, "postgresql": PG_DROP}.get(vendor, []):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("funds", "0001_ledger_requests_receipts")]
    operations = [migrations.RunPython(create, drop)]
