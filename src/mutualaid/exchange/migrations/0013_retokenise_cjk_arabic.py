"""Re-tokenise the posts written in Chinese, Japanese or Arabic: search now cuts runs of ideographs and
kana into single characters and pairs, and light-stems Arabic words (`core.keyedsearch`). Tokens of
every other text are unchanged, so only posts whose title or details hold such characters are rewritten.

Not one transaction (`atomic = False`): on a big board the posts are read BATCH at a time (texts
decrypted here, never written back), and each batch's new tokens are written and committed together,
under the key the post's tokens are already under (`search_key`). Rewriting a post's tokens is
idempotent, so a run that is interrupted can simply be started again. Nothing to undo when reversed:
the older code searched these posts' whole runs of characters only, which is what the new tokens lack.
"""

from typing import Any

from django.db import migrations, transaction
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

from mutualaid.core import encryption, keyedsearch

BATCH = 1000  # posts read a committed batch
ROWS = 190  # token rows an INSERT (950 parameters)


def _clear(column: str, value: str | None) -> str:
    if not value or not value.startswith(f"{encryption.PREFIX}:"):
        return value or ""
    return encryption.decrypt(value, context=f"exchange_post.{column}") or ""


def _needs_new_tokens(text: str) -> bool:
    return any(keyedsearch.is_cjk(word) or keyedsearch.is_arabic(word) for word in keyedsearch.words(text))


def retokenise(apps: StateApps | None, schema_editor: BaseDatabaseSchemaEditor) -> None:
    connection = schema_editor.connection
    last = 0
    while True:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, group_id, title, details, search_key, created_at, category FROM exchange_post "
                "WHERE id > %s ORDER BY id LIMIT %s",
                [last, BATCH],
            )
            rows = cursor.fetchall()
            if not rows:
                return
            last = rows[-1][0]
            redo: list[int] = []
            tokens: list[Any] = []
            for pk, group_id, title, details, search_key, created_at, category in rows:
                text = f"{_clear('title', title)}\n{_clear('details', details)}"
                if not _needs_new_tokens(text):
                    continue
                _kid, key = keyedsearch.group_key(group_id, search_key or None)
                redo.append(pk)
                terms = keyedsearch.index_terms(text)
                tokens.extend((group_id, t, pk, created_at, category) for t in keyedsearch.tokens(key, terms))
            for start in range(0, len(redo), 500):
                ids = redo[start : start + 500]
                marks = ", ".join(["%s"] * len(ids))
                cursor.execute(f"DELETE FROM exchange_posttoken WHERE post_id IN ({marks})", ids)  # noqa: S608
            for start in range(0, len(tokens), ROWS):
                chunk = tokens[start : start + ROWS]
                values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(chunk))
                cursor.execute(
                    f"INSERT INTO exchange_posttoken (group_id, token, post_id, created_at, category) VALUES {values}",  # noqa: S608
                    [v for row in chunk for v in row],
                )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("exchange", "0012_posttoken_category"),
    ]

    operations = [
        migrations.RunPython(retokenise, migrations.RunPython.noop, elidable=True),
    ]
