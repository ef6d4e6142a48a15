"""Post titles, details and units sealed with the key ring; search through keyed tokens.

Drops the clear-text search indexes (SQLite FTS5 table and triggers, PostgreSQL GIN index), seals every
existing title, details and unit in place, and builds each post's search tokens (`core.keyedsearch`).
Reversing unseals the texts (the key ring is needed) but does not rebuild the old indexes.

Not one transaction (`atomic = False`): app servers keep serving reads while it runs on a big board. The
schema changes are quick and commit together at once (`InOneTransaction`); then the posts are sealed and
tokenised in batches of BATCH, each committed, so no lock on the post table outlives a moment. A run that
is interrupted can be started again: sealed values are left alone and tokens already made are skipped.
"""

from typing import Any

import django.db.models.deletion
from django.db import migrations, models, transaction
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

import mutualaid.core.fields
from mutualaid.core import encryption, keyedsearch
from mutualaid.core.migration_operations import InOneTransaction

SEALED = ("title", "details", "unit")
BATCH = 1000
SELECT_TO_SEAL = "SELECT id, group_id, title, details, unit, search_key FROM exchange_post WHERE id > %s ORDER BY id LIMIT %s"
SELECT_TO_UNSEAL = (
    "SELECT id, group_id, title, details, unit FROM exchange_post WHERE id > %s ORDER BY id LIMIT %s"
)
TOKEN_ROWS = 300  # rows a multi-row INSERT on SQLite: 900 parameters, under every build's limit


def drop_clear_indexes(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "sqlite":
        for name in ("exchange_post_fts_ai", "exchange_post_fts_ad", "exchange_post_fts_au"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
        schema_editor.execute("DROP TABLE IF EXISTS exchange_post_fts")
    elif schema_editor.connection.vendor == "postgresql":
        concurrently = "" if schema_editor.connection.in_atomic_block else "CONCURRENTLY "
        schema_editor.execute(f"DROP INDEX {concurrently}IF EXISTS exchange_post_search")


def _seal(column: str, value: str) -> str:
    if not value or value.startswith(f"{encryption.PREFIX}:"):
        return value
    return encryption.encrypt(value, context=f"exchange_post.{column}")


def _unseal(column: str, value: str) -> str:
    if not value.startswith(f"{encryption.PREFIX}:"):
        return value
    return encryption.decrypt(value, context=f"exchange_post.{column}") or ""


def _batches(schema_editor: BaseDatabaseSchemaEditor, change: Any, apps: StateApps | None) -> None:
    """Apply `change` to every sealed column of every post, BATCH posts per committed transaction; with
    `apps`, also make each post's search tokens and record the key they were made with.

    Written for a million posts on a small server: the key ring is loaded once, each group key's tokens
    are remembered by term (a board's words repeat), and a batch is three statements on PostgreSQL
    (its posts, their tokens and their sealed texts as arrays), not one per post or per token. A post
    with a `search_key` and sealed texts was done, tokens and texts in one committed batch, by an earlier
    run, and is passed over.
    """
    connection = schema_editor.connection
    postgres = connection.vendor == "postgresql"
    last = 0
    known: dict[tuple[int, str], dict[str, int]] = {}
    with encryption.keyring_pinned():
        while True:
            with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
                cursor.execute(SELECT_TO_SEAL if apps is not None else SELECT_TO_UNSEAL, [last, BATCH])
                rows = cursor.fetchall()
                if not rows:
                    return
                last = rows[-1][0]
                if apps is None:
                    _unseal_rows(cursor, rows, change)
                else:
                    _seal_rows(cursor, rows, change, known, postgres)


def _unseal_rows(cursor: Any, rows: list[Any], change: Any) -> None:
    updates = []
    for pk, _group_id, *values in rows:
        old = [value or "" for value in values]
        new = [change(column, value) for column, value in zip(SEALED, old, strict=True)]
        if new != old:
            updates.append([*new, pk])
    if updates:
        cursor.executemany(
            "UPDATE exchange_post SET title = %s, details = %s, unit = %s WHERE id = %s", updates
        )


def _seal_rows(
    cursor: Any, rows: list[Any], change: Any, known: dict[tuple[int, str], dict[str, int]], postgres: bool
) -> None:
    updates: list[list[Any]] = []
    token_rows: list[tuple[int, int, int]] = []
    for pk, group_id, *values, search_key in rows:
        old = [value or "" for value in values]
        if search_key and all(not v or v.startswith(f"{encryption.PREFIX}:") for v in old):
            continue  # sealed and tokenised by an earlier run
        clear = [_unseal(c, v) for c, v in zip(SEALED, old, strict=True)]
        kid, key = keyedsearch.group_key(group_id)
        terms = keyedsearch.index_terms(clear[0], clear[1])
        cache = known.setdefault((group_id, kid), {})
        token_rows.extend((group_id, t, pk) for t in keyedsearch.tokens(key, terms, cache))
        updates.append([pk, *(change(c, v) for c, v in zip(SEALED, old, strict=True)), kid])
    if not updates:
        return
    if postgres:
        # A few large arrays a batch: one round trip each instead of one per post or per token.
        cursor.execute(
            "INSERT INTO exchange_posttoken (group_id, token, post_id) "
            "SELECT * FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[]) ON CONFLICT DO NOTHING",
            [list(column) for column in zip(*token_rows, strict=True)] if token_rows else [[], [], []],
        )
        cursor.execute(
            "UPDATE exchange_post p SET title = v.title, details = v.details, unit = v.unit, "
            "search_key = v.search_key FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::text[], "
            "%s::text[]) AS v(id, title, details, unit, search_key) WHERE p.id = v.id",
            [list(column) for column in zip(*updates, strict=True)],
        )
        return
    for start in range(0, len(token_rows), TOKEN_ROWS):
        chunk = token_rows[start : start + TOKEN_ROWS]
        values = ", ".join(["(%s, %s, %s)"] * len(chunk))
        cursor.execute(
            f"INSERT OR IGNORE INTO exchange_posttoken (group_id, token, post_id) VALUES {values}",  # noqa: S608 - placeholders only
            [value for row in chunk for value in row],
        )
    cursor.executemany(
        "UPDATE exchange_post SET title = %s, details = %s, unit = %s, search_key = %s WHERE id = %s",
        [[*row[1:], row[0]] for row in updates],
    )


def seal_and_index(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _batches(schema_editor, _seal, apps)


def unseal(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _batches(schema_editor, _unseal, None)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("exchange", "0005_post_import_key_skips_rows_already_imported"),
        ("groups", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(drop_clear_indexes, migrations.RunPython.noop),
        InOneTransaction(
            [
                migrations.AddField(
                    model_name="post",
                    name="search_key",
                    field=models.CharField(blank=True, default="", max_length=8),
                ),
                migrations.AlterField(
                    model_name="post",
                    name="details",
                    field=mutualaid.core.fields.EncryptedTextField(
                        blank=True, default="", max_length=2000, verbose_name="details"
                    ),
                ),
                migrations.AlterField(
                    model_name="post",
                    name="title",
                    field=mutualaid.core.fields.EncryptedTextField(
                        blank=False, default="", max_length=120, verbose_name="title"
                    ),
                ),
                migrations.AlterField(
                    model_name="post",
                    name="unit",
                    field=mutualaid.core.fields.EncryptedTextField(
                        blank=True, default="", max_length=30, verbose_name="unit"
                    ),
                ),
                migrations.CreateModel(
                    name="PostToken",
                    fields=[
                        (
                            "pk",
                            models.CompositePrimaryKey(
                                "group",
                                "token",
                                "post",
                                blank=True,
                                editable=False,
                                primary_key=True,
                                serialize=False,
                            ),
                        ),
                        ("token", models.BigIntegerField()),
                        (
                            "group",
                            models.ForeignKey(
                                db_index=False,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="groups.group",
                            ),
                        ),
                        (
                            "post",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="exchange.post",
                            ),
                        ),
                    ],
                ),
            ],
            done_if_table="exchange_posttoken",
        ),
        migrations.RunPython(seal_and_index, unseal),
    ]
