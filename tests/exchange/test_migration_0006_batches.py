"""Migration exchange 0006 seals every post and builds its search tokens in committed batches (so a big board
keeps serving reads during the upgrade: bench/upgrade_drill.py), and a run interrupted half-way can be
started again. The data step runs here on today's tables, which have the columns it writes; the schema
group's start-again guard runs on a table of its own. (A fresh install applies the whole migration with
the rest of the suite.)"""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.db import connection, migrations, models
from django.db.migrations.state import ProjectState

from mutualaid.core import encryption, keyedsearch
from mutualaid.core.migration_operations import InOneTransaction
from mutualaid.exchange.models import Post, PostToken
from mutualaid.exchange.search import search
from tests.helpers import make_post

m0006: Any = importlib.import_module("mutualaid.exchange.migrations.0006_sealed_post_texts_keyed_search")
m0010: Any = importlib.import_module("mutualaid.exchange.migrations.0010_posttoken_post_token_index")
SEALED = ("title", "details", "unit")


def _raw() -> dict[int, tuple[str, str, str, str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, title, details, unit, search_key FROM exchange_post")
        return {pk: (title, details, unit, key) for pk, title, details, unit, key in cursor.fetchall()}


def _clear_text_as_before_0006(texts: dict[int, tuple[str, str, str]]) -> None:
    with connection.cursor() as cursor:
        for pk, values in texts.items():
            cursor.execute(
                "UPDATE exchange_post SET title = %s, details = %s, unit = %s, search_key = '' WHERE id = %s",
                [*values, pk],
            )
    PostToken.objects.filter(post_id__in=list(texts)).delete()


def _tokens() -> list[tuple[int, int]]:
    return sorted(PostToken.objects.values_list("post_id", "token"))


@pytest.mark.django_db(transaction=True)
def test_posts_are_sealed_and_tokenised_in_batches_and_a_run_can_start_again(
    crown: Any, ada: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Not one transaction: schema steps and each batch commit on their own; the token index is built
    # concurrently on PostgreSQL.
    assert m0006.Migration.atomic is False and m0010.Migration.atomic is False
    specs = [
        ("Bread for Sunday", "two loaves, rye", "loaf"),
        ("Ride to the clinic", "", ""),
        ("Stroller", "any size", ""),
        ("Soup pot", "a big one", "pot"),
        ("Ladder", "for the roof", ""),
    ]
    texts = {
        make_post(crown, ada, title, details=details).pk: (title, details, unit)
        for title, details, unit in specs
    }
    expected = _tokens()
    assert expected  # the service made them; the migration must make the same
    _clear_text_as_before_0006(texts)
    assert _raw()[min(texts)][0] == "Bread for Sunday" and not _tokens()

    monkeypatch.setattr(m0006, "BATCH", 2)  # five posts: three batches
    with connection.schema_editor(atomic=False) as editor:
        m0006.seal_and_index(django_apps, editor)
    raw = _raw()
    primary = keyedsearch.search_key_ids()[0]
    for pk, clear_values in texts.items():
        for column, clear, stored in zip(SEALED, clear_values, raw[pk], strict=False):
            if clear:
                assert stored.startswith(f"{encryption.PREFIX}:") and clear not in stored
                assert encryption.decrypt(stored, context=f"exchange_post.{column}") == clear
            else:
                assert stored == ""
        assert raw[pk][3] == primary
    assert _tokens() == expected
    board = Post.objects.filter(group=crown)
    assert [p.title for p in search(board, group_id=crown.pk, query="strollers")] == ["Stroller"]
    assert {p.title for p in search(board, group_id=crown.pk, query="loaves rye")} == {"Bread for Sunday"}

    # Interrupted after the first batch: two posts back in clear text without tokens; run again.
    first, second = sorted(texts)[:2]
    _clear_text_as_before_0006({pk: texts[pk] for pk in (first, second)})
    untouched = {pk: raw[pk] for pk in sorted(texts)[2:]}
    with connection.schema_editor(atomic=False) as editor:
        m0006.seal_and_index(django_apps, editor)
    raw = _raw()
    assert {pk: raw[pk] for pk in untouched} == untouched  # sealed values are left as they were
    assert all(
        raw[pk][0].startswith(f"{encryption.PREFIX}:") and raw[pk][3] == primary for pk in (first, second)
    )
    assert _tokens() == expected  # the missing tokens made, none twice

    with connection.schema_editor(atomic=False) as editor:  # reversed: clear text again
        m0006.unseal(django_apps, editor)
    assert {pk: row[:3] for pk, row in _raw().items()} == texts
    with connection.schema_editor(atomic=False) as editor:
        m0006.seal_and_index(django_apps, editor)  # sealed again, though their search keys stayed
    raw = _raw()
    assert all(raw[pk][0].startswith(f"{encryption.PREFIX}:") for pk in texts) and _tokens() == expected


@pytest.mark.django_db(transaction=True)
def test_the_schema_group_commits_whole_once_and_is_skipped_when_run_again() -> None:
    group = InOneTransaction(
        [
            migrations.CreateModel(
                "Drill",
                [
                    ("id", models.AutoField(primary_key=True)),
                    ("name", models.CharField(max_length=10, db_index=True)),
                ],
            ),
            migrations.AddField("drill", "size", models.IntegerField(default=0)),
        ],
        done_if_table="exchange_drill",
    )
    before = ProjectState(real_apps=set())
    after = before.clone()
    group.state_forwards("exchange", after)
    assert set(after.models["exchange", "drill"].fields) == {"id", "name", "size"}
    try:
        with connection.schema_editor(atomic=False) as editor:
            group.database_forwards("exchange", editor, before, after)
            assert not editor.deferred_sql  # its index was made inside the group, not left for later
        with connection.cursor() as cursor:
            columns = [
                c.name for c in connection.introspection.get_table_description(cursor, "exchange_drill")
            ]
            indexed = {
                tuple(c["columns"])
                for c in connection.introspection.get_constraints(cursor, "exchange_drill").values()
                if c["index"] and not c["primary_key"]
            }
        assert columns == ["id", "name", "size"] and ("name",) in indexed
        with connection.schema_editor(atomic=False) as editor:  # an interrupted migration run again
            group.database_forwards("exchange", editor, before, after)
        with connection.schema_editor(atomic=False) as editor:
            group.database_backwards("exchange", editor, after, before)
        assert "exchange_drill" not in connection.introspection.table_names()
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS exchange_drill")


@pytest.mark.django_db(transaction=True)
def test_a_group_adding_a_column_is_skipped_once_the_column_is_there() -> None:
    # Small migrations on existing tables (matching 0002, members 0004, funds 0003) run their schema steps
    # this way; a second run (an interrupted `migrate` started again) must not add the column twice.
    create = migrations.CreateModel("Drill", [("id", models.AutoField(primary_key=True))])
    add = InOneTransaction(
        [migrations.AddField("drill", "size", models.IntegerField(default=0))],
        done_if_column=("exchange_drill", "size"),
    )
    before = ProjectState(real_apps=set())
    middle = before.clone()
    create.state_forwards("exchange", middle)
    after = middle.clone()
    add.state_forwards("exchange", after)
    try:
        with connection.schema_editor() as editor:
            create.database_forwards("exchange", editor, before, middle)
        for _run in range(2):
            with connection.schema_editor(atomic=False) as editor:
                add.database_forwards("exchange", editor, middle, after)
        with connection.cursor() as cursor:
            columns = [
                c.name for c in connection.introspection.get_table_description(cursor, "exchange_drill")
            ]
        assert columns == ["id", "size"]
        with connection.schema_editor(atomic=False) as editor:
            add.database_backwards("exchange", editor, after, middle)
        with connection.cursor() as cursor:
            columns = [
                c.name for c in connection.introspection.get_table_description(cursor, "exchange_drill")
            ]
        assert columns == ["id"]
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS exchange_drill")
