"""Search tokens carry their post's `created_at`, indexed after the token: the posts of one token can be
walked in the board's order, so a search for several common words stops once a page is full
(exchange.search). Existing tokens take their post's date."""

import datetime

from django.db import migrations, models

EPOCH = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


class Migration(migrations.Migration):
    dependencies = [
        ("exchange", "0010_posttoken_post_token_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="posttoken",
            name="created_at",
            field=models.DateTimeField(default=EPOCH),
            preserve_default=False,
        ),
        migrations.RunSQL(
            "UPDATE exchange_posttoken SET created_at = "
            "(SELECT created_at FROM exchange_post WHERE exchange_post.id = exchange_posttoken.post_id)",
            migrations.RunSQL.noop,
        ),
        migrations.AddIndex(
            model_name="posttoken",
            index=models.Index(fields=["group", "token", "created_at", "post"], name="posttoken_walk"),
        ),
    ]
