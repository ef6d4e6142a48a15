"""THREATS.md property 1: every personal-data column carries a classification, and the generated
docs/what-a-seized-server-reveals.md lists exactly the columns a seized database shows in the clear."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.db import connection

from mutualaid.core.classification import (
    CLEAR_TEXT,
    THIRD_PARTY,
    clear_free_text,
    unaccounted_tables,
    unclassified,
)
from mutualaid.core.seized import REPORT_PATH, render_report

REPO = Path(__file__).resolve().parents[2]


def test_every_field_of_our_models_is_classified() -> None:
    assert unclassified() == []


def test_no_clear_free_text_column() -> None:
    """Words people type are sealed: a new clear text column fails here until sealed or justified."""
    assert clear_free_text() == [], "seal these columns (EncryptedTextField) or justify them in CLEAR_TEXT"


def test_the_words_of_needs_and_offers_are_sealed() -> None:
    from mutualaid.core.classification import encrypted_fields

    sealed = {f"{m._meta.db_table}.{f.column}" for m, f in encrypted_fields()}
    for column in (
        "exchange_post.title",
        "exchange_post.details",
        "exchange_post.unit",
        "exchange_post.private_note",
        "exchange_message.body",
        "exchange_importdraft.filename",
        "members_accesstoken.name",
    ):
        assert column in sealed
        assert column not in CLEAR_TEXT


def test_clear_free_text_catches_a_new_column(monkeypatch: Any) -> None:
    monkeypatch.delitem(CLEAR_TEXT, "groups_group.description")
    assert clear_free_text() == ["groups_group.description"]


def test_every_table_in_the_database_is_accounted_for(db: Any) -> None:
    with connection.cursor() as cursor:
        names = connection.introspection.table_names(cursor)
    assert unaccounted_tables(names) == [], "classify the new tables in mutualaid.core.classification"


def test_every_column_of_third_party_tables_is_classified(db: Any) -> None:
    with connection.cursor() as cursor:
        for table, columns in THIRD_PARTY.items():
            actual = {c.name for c in connection.introspection.get_table_description(cursor, table)}
            assert actual - set(columns) - {"id"} == set(), f"{table}: unclassified columns"
            assert set(columns) - actual == set(), f"{table}: classified columns that do not exist"


def test_seized_report_matches_the_schema() -> None:
    on_disk = (REPO / REPORT_PATH).read_text()
    assert on_disk == render_report(), (
        "docs/what-a-seized-server-reveals.md is stale: run `mutualaid seized-report`"
    )


def test_seized_report_names_every_plaintext_column() -> None:
    report = render_report()
    assert "| `display_name` | public |" in report
    assert "| `last_seen` | coarse | day of last activity (no time, no history) |" in report
    # Sealed columns are listed as sealed, never as readable.
    readable = report.split("## Sealed with the key ring")[0]
    assert "`phone`" not in readable and "`email` | public | unused" in readable


def test_seized_report_command_writes_the_file(tmp_path: Path) -> None:
    target = tmp_path / "report.md"
    call_command("seized_report", output=str(target))
    assert target.read_text() == render_report()


def test_cli_accepts_the_dashed_command_name(tmp_path: Path) -> None:
    from mutualaid.cli import main

    target = tmp_path / "report.md"
    assert main(["seized-report", "--output", str(target)]) == 0
    assert target.read_text() == render_report()
