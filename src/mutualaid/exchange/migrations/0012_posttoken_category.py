"""Search tokens carry their post's category, indexed before the token: a search with a category filter
reads only that category's range of each word's tokens ("rice beans" · food reads the food posts having
"rice", not all of them) (exchange.search).

Not one transaction (`atomic = False`), as 0011: the column is added nullable without a default
(PostgreSQL: a catalogue change; SQLite: ALTER TABLE ADD COLUMN, no table copy); the categories are then
copied BATCH posts at a time, each batch committed, only into tokens that have none yet, so a run that is
interrupted can be started again and carries on where it stopped; the index is built last (CREATE INDEX
CONCURRENTLY on PostgreSQL). Every token written after this migration carries its category
(`exchange.search.reindex`, which also runs when a post's category changes).
"""

from django.db import migrations, models, transaction
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

from mutualaid.core.migration_operations import AddIndexConcurrentlyOnPostgres, InOneTransaction

BATCH = 2000  # posts a committed batch (about 40,000 token rows)


def fill_categories(apps: StateApps | None, schema_editor: BaseDatabaseSchemaEditor) -> None:
    connection = schema_editor.connection
    last = 0
    while True:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute("SELECT id FROM exchange_post WHERE id > %s ORDER BY id LIMIT %s", [last, BATCH])
            rows = cursor.fetchall()
            if not rows:
                return
            last = rows[-1][0]
            # One statement a batch: each post's tokens are one range of `posttoken_post_token`.
            cursor.execute(
                "UPDATE exchange_posttoken SET category = ("
                "SELECT p.category FROM exchange_post p WHERE p.id = exchange_posttoken.post_id) "
                "WHERE post_id > %s AND post_id <= %s AND category IS NULL",
                [rows[0][0] - 1, last],
            )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("exchange", "0011_posttoken_walk"),
    ]

    operations = [
        # One short transaction of its own, skipped when an interrupted earlier run already added the
        # column (the data work after it is what a rerun carries on).
        InOneTransaction(
            [
                migrations.AddField(
                    model_name="posttoken",
                    name="category",
                    field=models.CharField(
                        choices=[
                            ("food", "Food"),
                            ("housing", "Housing & eviction defense"),
                            ("legal", "Bail & legal support"),
                            ("disaster", "Disaster relief"),
                            ("defense", "Community defense"),
                            ("childcare", "Childcare"),
                            ("health", "Health care"),
                            ("transport", "Transportation"),
                            ("skills", "Skills & labour"),
                            ("supplies", "Supplies & goods"),
                            ("money", "Money"),
                            ("other", "Other"),
                        ],
                        max_length=20,
                        null=True,
                    ),
                ),
            ],
            done_if_column=("exchange_posttoken", "category"),
        ),
        migrations.RunPython(fill_categories, migrations.RunPython.noop, elidable=True),
        AddIndexConcurrentlyOnPostgres(
            model_name="posttoken",
            index=models.Index(fields=["group", "category", "token", "post"], name="posttoken_category"),
        ),
    ]
