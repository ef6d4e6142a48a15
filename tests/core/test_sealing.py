"""Data migrations that seal a clear-text column (and unseal it going back), in batches, safe to run twice."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.db import connection

from mutualaid.core import encryption, sealing
from mutualaid.exchange.models import ImportDraft


def _raw() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT filename FROM exchange_importdraft ORDER BY id")
        return [row[0] for row in cursor.fetchall()]


def test_unseal_then_seal_round_trips_every_row_and_runs_twice_safely(
    crown: Any, ada: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(sealing, "BATCH", 2)  # three rows: more than one batch
    names = ["intake.csv", "", "hojas de cálculo.xlsx"]
    for name in names:
        ImportDraft.objects.create(group=crown, created_by=ada, filename=name, content="eA==")
    editor = SimpleNamespace(connection=connection)
    sealed = _raw()
    assert all(v.startswith(f"{encryption.PREFIX}:") for v in sealed if v)

    back = sealing.unseal("exchange_importdraft", "filename")
    back(None, editor)
    assert _raw() == names
    back(None, editor)  # clear text stays as it is
    assert _raw() == names

    forward = sealing.seal("exchange_importdraft", "filename")
    forward(None, editor)
    again = _raw()
    assert [bool(v) and v.startswith(f"{encryption.PREFIX}:") for v in again] == [True, False, True]
    forward(None, editor)  # sealed values are left alone
    assert _raw() == again
    assert [d.filename for d in ImportDraft.objects.order_by("pk")] == names
