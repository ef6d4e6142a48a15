"""Full-text search on SQLite: an FTS5 index kept in step with exchange_post by triggers.

PostgreSQL uses the GIN index of migration 0002 instead. When SQLite lacks FTS5 the board falls back to
LIKE (selectors._search). Django rebuilds a SQLite table when a later migration alters its columns,
which drops triggers: such a migration must run `create` again (selectors checks they exist).
"""

from django.db import OperationalError, migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

CREATE = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS exchange_post_fts USING fts5(title, details, content='exchange_post', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER IF NOT EXISTS exchange_post_fts_ai AFTER INSERT ON exchange_post BEGIN "
    "INSERT INTO exchange_post_fts(rowid, title, details) VALUES (new.id, new.title, new.details); END",
    "CREATE TRIGGER IF NOT EXISTS exchange_post_fts_ad AFTER DELETE ON exchange_post BEGIN "
    "INSERT INTO exchange_post_fts(exchange_post_fts, rowid, title, details) VALUES ('delete', old.id, old.title, old.details); END",
    "CREATE TRIGGER IF NOT EXISTS exchange_post_fts_au AFTER UPDATE OF title, details ON exchange_post BEGIN "
    "INSERT INTO exchange_post_fts(exchange_post_fts, rowid, title, details) VALUES ('delete', old.id, old.title, old.details); "
    "INSERT INTO exchange_post_fts(rowid, title, details) VALUES (new.id, new.title, new.details); END",
    "INSERT INTO exchange_post_fts(exchange_post_fts) VALUES ('rebuild')",
]
DROP = [
    "DROP TRIGGER IF EXISTS exchange_post_fts_ai",
    "DROP TRIGGER IF EXISTS exchange_post_fts_ad",
    "DROP TRIGGER IF EXISTS exchange_post_fts_au",
    "DROP TABLE IF EXISTS exchange_post_fts",
]


def create(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "sqlite":
        return
    try:
        for statement in CREATE:
            schema_editor.execute(statement)
    except OperationalError:  # SQLite built without FTS5: LIKE fallback
        for statement in DROP:
            schema_editor.execute(statement)


def drop(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "sqlite":
        for statement in DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("exchange", "0003_board_indexes")]
    operations = [migrations.RunPython(create, drop)]
