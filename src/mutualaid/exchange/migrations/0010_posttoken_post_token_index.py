"""Search tokens indexed by (post, token) instead of post alone: a search's probe "has this post one of
these tokens" becomes one index range that never reads the table (exchange.search). On PostgreSQL the
old index on post alone goes with DROP INDEX CONCURRENTLY and the foreign key is left as it is (a plain
AlterField would drop and re-add it, locking the token table); on SQLite the AlterField copies the token
table once."""

import django.db.models.deletion
from django.db import migrations, models

from mutualaid.core.migration_operations import (
    AddIndexConcurrentlyOnPostgres,
    DropFieldIndexConcurrentlyOnPostgres,
)


class Migration(migrations.Migration):
    atomic = False  # CREATE/DROP INDEX CONCURRENTLY on PostgreSQL: the token table has millions of rows

    dependencies = [
        ("exchange", "0009_post_area_unplaced"),
        ("groups", "0001_initial"),
    ]

    operations = [
        # The new index first, built without blocking the board's searches; then the old one goes.
        AddIndexConcurrentlyOnPostgres(
            model_name="posttoken",
            index=models.Index(fields=["post", "token"], name="posttoken_post_token"),
        ),
        DropFieldIndexConcurrentlyOnPostgres(
            model_name="posttoken",
            name="post",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="exchange.post",
            ),
        ),
    ]
