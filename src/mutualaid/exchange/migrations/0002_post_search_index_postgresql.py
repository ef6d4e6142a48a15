"""A GIN index for the board's full-text search, on PostgreSQL only (SQLite uses a LIKE fallback).

The indexed expression must stay identical to the one in `selectors._search`, or the index is not used.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

INDEX = (
    "CREATE INDEX IF NOT EXISTS exchange_post_search ON exchange_post "
    "USING gin (to_tsvector('simple', title || ' ' || details))"
)


def create(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INDEX)


def drop(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS exchange_post_search")


class Migration(migrations.Migration):
    dependencies = [("exchange", "0001_posts_claims_conversations")]
    operations = [migrations.RunPython(create, drop)]
