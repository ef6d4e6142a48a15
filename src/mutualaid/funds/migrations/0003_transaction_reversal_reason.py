"""A correction keeps its reason (encrypted, not guarded by the ledger triggers: key rotation re-seals it).

Adding the column makes Django rebuild the SQLite table, which drops the ledger's triggers: they are
created again here (PostgreSQL keeps them through ALTER TABLE)."""

import importlib

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

import mutualaid.core.fields
from mutualaid.core.migration_operations import InOneTransaction

ledger_triggers = importlib.import_module("mutualaid.funds.migrations.0002_ledger_rows_cannot_change")


def recreate_sqlite_triggers(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "sqlite":
        for statement in ledger_triggers.SQLITE_CREATE:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    # Not one transaction: the schema step commits on its own (`InOneTransaction`, states rendered first), so
    # the table's ACCESS EXCLUSIVE lock lasts a moment and not while Django renders the later operations.
    atomic = False
    dependencies = [("funds", "0002_ledger_rows_cannot_change")]

    operations = [
        InOneTransaction(
            [
                migrations.AddField(
                    model_name="transaction",
                    name="reason",
                    field=mutualaid.core.fields.EncryptedTextField(
                        blank=True, default="", verbose_name="reason for the correction"
                    ),
                ),
                migrations.RunPython(recreate_sqlite_triggers, migrations.RunPython.noop),
            ],
            done_if_column=("funds_transaction", "reason"),
        ),
    ]
