"""An upgrade stopped part-way is started again and finishes (bench/upgrade_drill.py at 1,000,000 posts was
stopped inside 0012: the rerun failed on "column category already exists", because the column had been
added and committed but Django records a migration only once it is whole). 0011 and 0012 add their column
in a step that a rerun skips when the column is there, then carry on with the batches."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from mutualaid.exchange.models import Post, PostToken
from tests.exchange.conftest import make_post


class Stopped(Exception):
    """The operator's Ctrl-C, or the server going down, in the middle of the batches."""


def _migrate(target: str | None) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes() if target is None else [("exchange", target)])


def _recorded(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM django_migrations WHERE app = 'exchange' AND name = %s", [name])
        return cursor.fetchone() is not None


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("name", "previous", "fill", "column"),
    [
        ("0011_posttoken_walk", "0010_posttoken_post_token_index", "fill_dates", "created_at"),
        ("0012_posttoken_category", "0011_posttoken_walk", "fill_categories", "category"),
    ],
)
def test_a_migration_stopped_in_its_batches_runs_again_to_the_end(
    ben: Any, crown: Any, monkeypatch: pytest.MonkeyPatch, name: str, previous: str, fill: str, column: str
) -> None:
    for n in range(5):
        make_post(crown, ben, title=f"soup {n} rice", category="food")
    migration = importlib.import_module(f"mutualaid.exchange.migrations.{name}")
    real = getattr(migration, fill)
    _migrate(previous)
    try:

        def stopped(apps: Any, schema_editor: Any) -> None:
            raise Stopped

        monkeypatch.setattr(migration, fill, stopped)
        monkeypatch.setattr(migration.Migration.operations[1], "code", stopped)
        with pytest.raises(Stopped):
            _migrate(name)
        assert not _recorded(name)
        with connection.cursor() as cursor:  # the column was added and committed before the stop
            columns = {
                c.name for c in connection.introspection.get_table_description(cursor, "exchange_posttoken")
            }
        assert column in columns
        monkeypatch.setattr(migration.Migration.operations[1], "code", real)
        _migrate(name)  # the operator runs `mutualaid migrate` again
        assert _recorded(name)
    finally:
        _migrate(None)
    assert PostToken.objects.exists()
    assert not PostToken.objects.filter(**{f"{column}__isnull": True}).exists()
    assert set(PostToken.objects.values_list("post_id", flat=True)) == set(
        Post.objects.values_list("pk", flat=True)
    )
