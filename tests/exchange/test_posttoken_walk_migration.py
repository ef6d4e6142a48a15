"""Migration 0011 gives every search token its post's date without blocking readers: the column is added
nullable, filled in committed batches only where it is still empty (so an interrupted run carries on),
and the index is built last (concurrently on PostgreSQL)."""

from __future__ import annotations

import importlib
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from mutualaid.exchange.models import Post, PostToken
from tests.exchange.conftest import make_post

MIGRATION = importlib.import_module("mutualaid.exchange.migrations.0011_posttoken_walk")


def _migrate(target: str | None) -> None:
    """Migrate exchange to `target`; None: to the latest migrations (as every other test expects)."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes() if target is None else [("exchange", target)])


@pytest.mark.django_db(transaction=True)
def test_token_dates_are_filled_in_batches_and_a_rerun_carries_on(
    ben: Any, crown: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = timezone.now()
    for n in range(5):
        post = make_post(crown, ben, title=f"soup {n} rice")
        Post.objects.filter(pk=post.pk).update(created_at=now - timedelta(days=n))
    _migrate("0010_posttoken_post_token_index")  # tokens without dates, as before the upgrade
    monkeypatch.setattr(MIGRATION, "BATCH", 2)  # three batches for five posts
    try:
        _migrate("0011_posttoken_walk")
    finally:
        _migrate(None)
    dates = dict(Post.objects.values_list("pk", "created_at"))
    tokens = list(PostToken.objects.values_list("post_id", "created_at"))
    assert len(tokens) > 5 and all(created == dates[post_id] for post_id, created in tokens)
    # An interrupted run: some tokens still without a date, one already filled with another value.
    first, second = sorted(dates)[:2]
    PostToken.objects.filter(post_id=first).update(created_at=None)
    marked = PostToken.objects.filter(post_id=second).first()
    assert marked is not None
    PostToken.objects.filter(post_id=second, token=marked.token).update(created_at=now + timedelta(days=9))
    MIGRATION.fill_dates(None, connection.schema_editor())
    assert set(PostToken.objects.filter(post_id=first).values_list("created_at", flat=True)) == {dates[first]}
    kept = PostToken.objects.get(post_id=second, token=marked.token).created_at
    assert kept == now + timedelta(days=9)  # only empty dates are filled: a rerun redoes nothing
