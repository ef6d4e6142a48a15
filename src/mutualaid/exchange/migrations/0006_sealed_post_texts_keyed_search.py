"""Post titles, details and units sealed with the key ring; search through keyed tokens.

Drops the clear-text search indexes (SQLite FTS5 table and triggers, PostgreSQL GIN index), seals every
existing title, details and unit in place, and builds each post's search tokens (`core.keyedsearch`).
Reversing unseals the texts (the key ring is needed) but does not rebuild the old indexes.
"""

from typing import Any

import django.db.models.deletion
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

import mutualaid.core.fields
from mutualaid.core import encryption, keyedsearch

SEALED = ("title", "details", "unit")
BATCH = 500


def drop_clear_indexes(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "sqlite":
        for name in ("exchange_post_fts_ai", "exchange_post_fts_ad", "exchange_post_fts_au"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
        schema_editor.execute("DROP TABLE IF EXISTS exchange_post_fts")
    elif schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS exchange_post_search")


def _seal(column: str, value: str) -> str:
    if not value or value.startswith(f"{encryption.PREFIX}:"):
        return value
    return encryption.encrypt(value, context=f"exchange_post.{column}")


def _unseal(column: str, value: str) -> str:
    if not value.startswith(f"{encryption.PREFIX}:"):
        return value
    return encryption.decrypt(value, context=f"exchange_post.{column}") or ""


def _rewrite(schema_editor: BaseDatabaseSchemaEditor, change: Any) -> list[tuple[int, int, dict[str, str]]]:
    """Apply `change` to every sealed column of every post; the rows' (id, group, clear values)."""
    done: list[tuple[int, int, dict[str, str]]] = []
    last = 0
    with schema_editor.connection.cursor() as cursor:
        while True:
            cursor.execute(
                "SELECT id, group_id, title, details, unit FROM exchange_post WHERE id > %s ORDER BY id LIMIT %s",
                [last, BATCH],
            )
            rows = cursor.fetchall()
            if not rows:
                return done
            for pk, group_id, *values in rows:
                last = pk
                new = [change(column, value or "") for column, value in zip(SEALED, values, strict=True)]
                cursor.execute(
                    "UPDATE exchange_post SET title = %s, details = %s, unit = %s WHERE id = %s", [*new, pk]
                )
                clear = [_unseal(column, v) for column, v in zip(SEALED, new, strict=True)]
                done.append((pk, group_id, dict(zip(SEALED, clear, strict=True))))


def seal_and_index(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    PostToken = apps.get_model("exchange", "PostToken")
    Post = apps.get_model("exchange", "Post")
    rows = _rewrite(schema_editor, _seal)
    for start in range(0, len(rows), BATCH):
        tokens: list[Any] = []
        keys: dict[str, list[int]] = {}
        for pk, group_id, clear in rows[start : start + BATCH]:
            kid, key = keyedsearch.group_key(group_id)
            terms = keyedsearch.index_terms(clear["title"], clear["details"])
            tokens.extend(
                PostToken(group_id=group_id, token=t, post_id=pk) for t in keyedsearch.tokens(key, terms)
            )
            keys.setdefault(kid, []).append(pk)
        PostToken.objects.bulk_create(tokens, batch_size=2000)
        for kid, ids in keys.items():
            Post.objects.filter(pk__in=ids).update(search_key=kid)


def unseal(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _rewrite(schema_editor, _unseal)


class Migration(migrations.Migration):
    dependencies = [
        ("exchange", "0005_post_import_key_skips_rows_already_imported"),
        ("groups", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(drop_clear_indexes, migrations.RunPython.noop),
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
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="exchange.post"
                    ),
                ),
            ],
        ),
        migrations.RunPython(seal_and_index, unseal),
    ]
