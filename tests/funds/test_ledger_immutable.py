"""Posted ledger rows cannot change: the database itself refuses an UPDATE of what a transaction or an
entry says (on SQLite and PostgreSQL alike), while the columns that must move still can."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction

from mutualaid.funds.models import Entry, Transaction
from tests.funds.conftest import fill

MESSAGE = "posted ledger rows cannot change; post a reversing transaction instead"


@pytest.mark.parametrize(
    "change", [{"amount": 1}, {"kind": "disbursement"}, {"currency": "EUR"}, {"occurred_on": "2020-01-01"}]
)
def test_a_transaction_cannot_be_rewritten(rent_fund: Any, ada: Any, change: dict[str, Any]) -> None:
    record = fill(rent_fund, 10_00, ada)
    with pytest.raises(IntegrityError, match=MESSAGE), transaction.atomic():
        Transaction.objects.filter(pk=record.pk).update(**change)
    record.refresh_from_db()
    assert (record.amount, record.kind, record.currency) == (10_00, "contribution", "USD")


def test_an_entry_cannot_be_rewritten(rent_fund: Any, ada: Any) -> None:
    record = fill(rent_fund, 10_00, ada)
    entry = record.entries.first()
    assert entry is not None
    with pytest.raises(IntegrityError, match=MESSAGE), transaction.atomic():
        Entry.objects.filter(pk=entry.pk).update(amount=entry.amount * 2)
    with pytest.raises(IntegrityError, match=MESSAGE), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE funds_entry SET amount = 0 WHERE id = %s", [entry.pk])
    entry.refresh_from_db()
    assert entry.amount in (10_00, -10_00)


def test_what_must_move_still_moves(rent_fund: Any, ada: Any) -> None:
    record = fill(rent_fund, 10_00, ada)
    # An account deleted, a key rotated (the sealed columns re-sealed), a save that changes nothing.
    Transaction.objects.filter(pk=record.pk).update(posted_by=None, reference="re-sealed", contributor="")
    record.refresh_from_db()
    record.save()
    assert record.posted_by is None and record.amount == 10_00
