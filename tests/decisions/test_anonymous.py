"""Anonymous proposals: the database holds who voted, never who voted what. The test reads every
column of every decisions table (raw rows, not the models) after two members vote differently."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection

from mutualaid.decisions import services
from mutualaid.decisions.models import Ballot, Eligible
from tests.decisions.conftest import later, open_proposal


def _rows(table: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - table names from the app registry
        return [c[0] for c in cursor.description], list(cursor.fetchall())


def test_the_database_never_ties_an_anonymous_ballot_to_its_voter(
    crown: Any, ada: Any, ben: Any, fay: Any
) -> None:
    proposal = open_proposal(crown, ada, anonymous=True)
    ben_receipt = services.vote(proposal=proposal, user=ben, choice="object", reason="Costs too much")
    fay_receipt = services.vote(proposal=proposal, user=fay, choice="agree")
    assert ben_receipt and fay_receipt and ben_receipt != fay_receipt

    # Ballots: no voter, no time, a random key; only the receipt's hash (the receipt is not stored).
    columns, rows = _rows(Ballot._meta.db_table)
    assert len(rows) == 2
    voter_col = columns.index("voter_id")
    assert all(row[voter_col] is None for row in rows)
    assert not any("time" in c or c.endswith("_at") for c in columns)
    for row in rows:
        assert ben_receipt not in [str(v) for v in row] and fay_receipt not in [str(v) for v in row]

    # Every table of the app: no row holds both a voter's id and a choice.
    user_ids = {ben.pk, fay.pk}
    for model in apps.get_app_config("decisions").get_models():
        columns, rows = _rows(model._meta.db_table)
        user_columns = [i for i, c in enumerate(columns) if c in {"user_id", "voter_id", "author_id"}]
        choice_columns = [i for i, c in enumerate(columns) if c in {"choice", "reason"}]
        if not choice_columns:
            continue
        for row in rows:
            assert not any(row[i] in user_ids for i in user_columns), model.__name__

    # The electorate says that they voted, and nothing more.
    assert (
        set(Eligible.objects.filter(proposal=proposal, voted=True).values_list("user_id", flat=True))
        == user_ids
    )
    assert {f.name for f in Eligible._meta.get_fields()} == {"id", "proposal", "user", "voted", "reminded"}

    # The tally counts; it names no one.
    closed = services.close(proposal=proposal, now=later())
    assert closed.tally["counts"] == {"agree": 1, "abstain": 0, "object": 1}
    assert str(ben.pk) not in str(closed.tally.get("ballots", "")) and "voter" not in str(closed.tally)


def test_an_anonymous_ballot_changes_only_with_its_receipt(crown: Any, ada: Any, ben: Any) -> None:
    proposal = open_proposal(crown, ada, anonymous=True)
    receipt = services.vote(proposal=proposal, user=ben, choice="object", reason="Not now")
    with pytest.raises(ValidationError, match="receipt"):
        services.vote(proposal=proposal, user=ben, choice="agree")  # a second ballot is refused
    with pytest.raises(ValidationError, match="receipt"):
        services.vote(proposal=proposal, user=ben, choice="agree", receipt="forged")
    assert services.vote(proposal=proposal, user=ben, choice="agree", receipt=receipt) == receipt
    assert list(Ballot.objects.filter(proposal=proposal).values_list("choice", flat=True)) == ["agree"]
    # Someone else's receipt does not let ada vote twice either: she has her own electorate row.
    services.vote(proposal=proposal, user=ada, choice="agree", receipt=receipt)
    assert Ballot.objects.filter(proposal=proposal).count() == 2
