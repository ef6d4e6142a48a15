"""Search tokens carry their post's `created_at`, indexed after the token: the posts of one word can be
walked in the board's order, so a search for several common words stops once a page is full
(exchange.search).

Not one transaction (`atomic = False`): the token table holds about twenty rows a post (millions on a
big board) and app servers keep serving reads while this runs. The column is added nullable without a
default (PostgreSQL: a catalogue change; SQLite: ALTER TABLE ADD COLUMN, no table copy); the dates are
then copied BATCH posts at a time, each batch committed, only into tokens that have none yet, so a run
that is interrupted can be started again and carries on where it stopped; the index is built last
(CREATE INDEX CONCURRENTLY on PostgreSQL). Every token written after this migration carries its date
(`exchange.search.reindex`), so the column stays nullable only for the time of the fill.
"""

from django.db import migrations, models, transaction
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

from mutualaid.core.migration_operations import AddIndexConcurrentlyOnPostgres, InOneTransaction

BATCH = 2000  # posts a committed batch (about 40,000 token rows)


def fill_dates(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    connection = schema_editor.connection
    last = 0
    while True:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, created_at FROM exchange_post WHERE id > %s ORDER BY id LIMIT %s", [last, BATCH]
            )
            rows = cursor.fetchall()
            if not rows:
                return
            last = rows[-1][0]
            # One statement a batch: each post's tokens are one range of `posttoken_post_token`.
            cursor.execute(
                "UPDATE exchange_posttoken SET created_at = ("
                "SELECT p.created_at FROM exchange_post p WHERE p.id = exchange_posttoken.post_id) "
                "WHERE post_id > %s AND post_id <= %s AND created_at IS NULL",
                [rows[0][0] - 1, last],
            )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("exchange", "0010_posttoken_post_token_index"),
    ]

    operations = [
        # One short transaction of its own, skipped when an interrupted earlier run already added the
        # column (the data work after it is what a rerun carries on).
        InOneTransaction(
            [
                migrations.AddField(
                    model_name="posttoken",
                    name="created_at",
                    field=models.DateTimeField(null=True),
                ),
            ],
            done_if_column=("exchange_posttoken", "created_at"),
        ),
        migrations.RunPython(fill_dates, migrations.RunPython.noop, elidable=True),
        AddIndexConcurrentlyOnPostgres(
            model_name="posttoken",
            index=models.Index(fields=["group", "token", "created_at", "post"], name="posttoken_walk"),
        ),
    ]
