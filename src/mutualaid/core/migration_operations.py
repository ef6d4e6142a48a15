"""Migration operations for upgrading a large install while app servers keep serving reads.

A migration that rewrites a big table must not hold an ACCESS EXCLUSIVE lock (PostgreSQL) for longer than
a moment: readers queue behind it. Such a migration is written with `atomic = False` so that each schema
step commits at once, its data work commits in small batches (and can be run again), and indexes on big
tables are built with CREATE INDEX CONCURRENTLY. bench/upgrade_drill.py measures the result.
"""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import models, transaction
from django.db.migrations.operations import AddIndex, AlterField, RunPython
from django.db.migrations.operations.base import Operation


class InOneTransaction(Operation):
    """Quick schema operations applied together in one short transaction of their own.

    Meant for a migration with `atomic = False`: the group either happened completely (with its deferred
    indexes and foreign keys) or not at all, so a run interrupted later, in the batched data work, can be
    started again; `done_if_table`, a table the group creates, or `done_if_column`, a column it adds,
    tells that it already happened. Also for a small migration on an existing table: in one atomic
    migration the table's lock, taken by its first ALTER, would be held while Django renders the model
    states of the operations after it (seconds on a busy machine; bench/upgrade_drill.py caught 5 s).
    """

    reversible = True
    reduces_to_sql = False

    def __init__(
        self,
        operations: list[Operation],
        done_if_table: str = "",
        done_if_column: tuple[str, str] | None = None,
    ) -> None:
        self.operations = operations
        self.done_if_table = done_if_table
        self.done_if_column = done_if_column

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        kwargs: dict[str, Any] = {"operations": self.operations}
        if self.done_if_table:
            kwargs["done_if_table"] = self.done_if_table
        if self.done_if_column:
            kwargs["done_if_column"] = self.done_if_column
        return (self.__class__.__qualname__, [], kwargs)

    def _done(self, schema_editor: Any) -> bool:
        """Whether the group already happened (it creates `done_if_table`, or adds `done_if_column` as
        (table, column)). A group that names neither is one that can simply run again."""
        connection = schema_editor.connection
        if self.done_if_table:
            return self.done_if_table in connection.introspection.table_names()
        if self.done_if_column:
            table, column = self.done_if_column
            with connection.cursor() as cursor:
                return column in {
                    c.name for c in connection.introspection.get_table_description(cursor, table)
                }
        return False

    def describe(self) -> str:
        return f"{len(self.operations)} schema operations in one transaction"

    def state_forwards(self, app_label: str, state: Any) -> None:
        for operation in self.operations:
            operation.state_forwards(app_label, state)

    def _apply(self, app_label: str, schema_editor: Any, before: Any, *, backwards: bool) -> None:
        connection = schema_editor.connection
        # The states between the operations, rendered now: building Django's model registry takes seconds
        # on a busy machine, and inside the transaction it would hold the tables' locks meanwhile.
        states = [before]
        for operation in self.operations:
            state = states[-1].clone()
            operation.state_forwards(app_label, state)
            states.append(state)
        for state in states:
            state.apps  # noqa: B018 - renders and caches the models
        deferred = len(schema_editor.deferred_sql)
        with transaction.atomic(using=connection.alias):
            steps = list(enumerate(self.operations))
            for index, operation in reversed(steps) if backwards else steps:
                if backwards:
                    operation.database_backwards(app_label, schema_editor, states[index + 1], states[index])
                else:
                    operation.database_forwards(app_label, schema_editor, states[index], states[index + 1])
            # Indexes and foreign keys Django would add at the end of the migration: now, in this transaction.
            for sql in schema_editor.deferred_sql[deferred:]:
                schema_editor.execute(sql)
            del schema_editor.deferred_sql[deferred:]

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if self._done(schema_editor):
            return  # an earlier, interrupted run of this migration got past this group
        self._apply(app_label, schema_editor, from_state, backwards=False)

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if (self.done_if_table or self.done_if_column) and not self._done(schema_editor):
            return
        self._apply(app_label, schema_editor, to_state, backwards=True)


class AddIndexConcurrentlyOnPostgres(AddIndexConcurrently):
    """CREATE INDEX CONCURRENTLY on PostgreSQL (reads and writes go on while it builds); a plain AddIndex
    elsewhere. The migration needs `atomic = False`. A leftover of an interrupted build (an invalid index
    of the same name) is dropped first, so the migration can be run again."""

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            AddIndex.database_forwards(self, app_label, schema_editor, from_state, to_state)
            return
        name = schema_editor.quote_name(self.index.name)
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
        super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            AddIndex.database_backwards(self, app_label, schema_editor, from_state, to_state)
            return
        super().database_backwards(app_label, schema_editor, from_state, to_state)


class DropFieldIndexConcurrentlyOnPostgres(AlterField):
    """An AlterField whose one database change is a column's index going (`db_index=False` on a foreign key).

    On PostgreSQL Django's AlterField would drop the foreign key, drop the index and add the foreign key back:
    the first holds the table's ACCESS EXCLUSIVE lock (reads queue behind it) and the last checks every row
    while writes wait. Here only `DROP INDEX CONCURRENTLY` runs (the migration needs `atomic = False`); the
    foreign key stays as it is. Elsewhere (SQLite) it is the plain AlterField. Going back builds the index
    again, concurrently. The migration state is the AlterField's, so `makemigrations --check` sees no change.
    """

    def _index_names(self, schema_editor: Any, model: Any, column: str) -> list[str]:
        meta_index_names = {index.name for index in model._meta.indexes}
        names: list[str] = schema_editor._constraint_names(
            model, [column], index=True, type_=models.Index.suffix, exclude=meta_index_names
        )
        return names

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)
            return
        model = from_state.apps.get_model(app_label, self.model_name)
        old_field = model._meta.get_field(self.name)
        new_field = to_state.apps.get_model(app_label, self.model_name)._meta.get_field(self.name)
        if not old_field.db_index or new_field.db_index:
            raise ValueError(f"{self.model_name}.{self.name}: only dropping the column's index is supported")
        for name in self._index_names(schema_editor, model, old_field.column):
            schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {schema_editor.quote_name(name)}")

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
            return
        model = to_state.apps.get_model(app_label, self.model_name)
        field = model._meta.get_field(self.name)
        if not self._index_names(schema_editor, model, field.column):
            schema_editor.execute(schema_editor._create_index_sql(model, fields=[field], concurrently=True))


def create_index_concurrently_on_postgres(name: str, table: str, columns: str) -> Any:
    """A RunPython building index `name` on `table` (`columns`, SQL) as CREATE INDEX CONCURRENTLY on
    PostgreSQL (the migration needs `atomic = False`; reads and writes go on while it builds) and a plain
    CREATE INDEX elsewhere. A leftover of an interrupted concurrent build (an invalid index of that name) is
    dropped first, so the migration can be run again. Undone by dropping the index."""

    def forwards(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns})")
            return
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(
                "SELECT x.indisvalid FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid WHERE c.relname = %s",
                [name],
            )
            row = cursor.fetchone()
        if row is not None and row[0]:
            return
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
        schema_editor.execute(f"CREATE INDEX CONCURRENTLY {name} ON {table} ({columns})")

    def backwards(apps: Any, schema_editor: Any) -> None:
        concurrently = "CONCURRENTLY " if schema_editor.connection.vendor == "postgresql" else ""
        schema_editor.execute(f"DROP INDEX {concurrently}IF EXISTS {name}")

    return RunPython(forwards, backwards)
