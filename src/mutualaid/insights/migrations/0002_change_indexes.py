"""Indexes the figures' refresh walks to find what changed since its high-water mark: posts by
`updated_at` and claims by `created_at` (without them, every five-minute refresh would read every
post). They live here, with the one reader that needs them."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("insights", "0001_initial"),
        ("exchange", "0010_posttoken_post_token_index"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS insights_post_updated ON exchange_post (updated_at)",
            reverse_sql="DROP INDEX IF EXISTS insights_post_updated",
        ),
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS insights_claim_created ON exchange_claim (created_at)",
            reverse_sql="DROP INDEX IF EXISTS insights_claim_created",
        ),
    ]
