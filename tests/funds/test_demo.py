from __future__ import annotations

from typing import Any

from mutualaid.funds.models import Fund


def test_demo_funds_load_twice_without_change(db: Any) -> None:
    from mutualaid.demo import load_demo
    from tests.funds.conftest import assert_ledger_consistent

    load_demo()
    load_demo()
    assert sorted(Fund.objects.values_list("group__slug", "name")) == [
        ("bushwick", "Fondo de fianzas"),
        ("crown-heights", "Rent relief"),
    ]
    bail = Fund.objects.get(name="Fondo de fianzas")
    assert bail.accounts.get(kind="balance").balance == 2750_00
    assert Fund.objects.get(name="Rent relief").accounts.get(kind="balance").balance == 300_00
    for fund in Fund.objects.all():
        assert_ledger_consistent(fund)
