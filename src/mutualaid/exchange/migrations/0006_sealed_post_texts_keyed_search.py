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
    `apps`, also make each post's search tokens and record the key they were made with."""
    connection = schema_editor.connection
    PostToken = apps.get_model("exchange", "PostToken") if apps is not None else None
    last = 0
    while True:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, group_id, title, details, unit FROM exchange_post WHERE id > %s ORDER BY id LIMIT %s",
                [last, BATCH],
            )
            rows = cursor.fetchall()
            if not rows:
                return
            updates: list[list[Any]] = []
            tokens: list[Any] = []
            for pk, group_id, *values in rows:
                last = pk
                old = [value or "" for value in values]
                new = [change(column, value) for column, value in zip(SEALED, old, strict=True)]
                if PostToken is None:
                    if new != old:
                        updates.append([*new, pk])
                    continue
                clear = dict(
                    zip(SEALED, (_unseal(c, v) for c, v in zip(SEALED, old, strict=True)), strict=True)
                )
                kid, key = keyedsearch.group_key(group_id)
                terms = keyedsearch.index_terms(clear["title"], clear["details"])
                tokens.extend(
                    PostToken(group_id=group_id, token=t, post_id=pk) for t in keyedsearch.tokens(key, terms)
                )
                updates.append([*new, kid, pk])
            if PostToken is None:
                sql = "UPDATE exchange_post SET title = %s, details = %s, unit = %s WHERE id = %s"
            else:
                sql = "UPDATE exchange_post SET title = %s, details = %s, unit = %s, search_key = %s WHERE id = %s"
                PostToken.objects.bulk_create(tokens, batch_size=2000, ignore_conflicts=True)
            if updates:
                cursor.executemany(sql, updates)


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
