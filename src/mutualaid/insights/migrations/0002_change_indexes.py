"""Indexes the figures' refresh walks to find what changed since its high-water mark: posts by
`updated_at` and claims by `created_at` (without them, every five-minute refresh would read every
post). They live here, with the one reader that needs them.

Built with CREATE INDEX CONCURRENTLY on PostgreSQL (`atomic = False`): on a board of a million posts a plain
build would hold off every write to the posts and claims while it reads them."""

from django.db import migrations

from mutualaid.core.migration_operations import create_index_concurrently_on_postgres


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("insights", "0001_initial"),
        ("exchange", "0010_posttoken_post_token_index"),
    ]

    operations = [
        create_index_concurrently_on_postgres("insights_post_updated", "exchange_post", "updated_at"),
        create_index_concurrently_on_postgres("insights_claim_created", "exchange_claim", "created_at"),
    ]
