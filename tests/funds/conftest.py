"""Funds fixtures: a crown bail fund and a rent fund (`ida`, the second coordinator who approves with
`ada`, is in tests/conftest.py)."""

from __future__ import annotations

from typing import Any

import pytest

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%receipt\n"


@pytest.fixture
def bail_fund(crown: Any) -> Any:
    from mutualaid.funds.services import fund_create

    return fund_create(
        group=crown,
        name="Crown Bail Fund",
        kind="bail",
        currency="USD",
        visibility="public",
        single_approval_limit=50_00,
        coordinator_approvals=2,
    )


@pytest.fixture
def rent_fund(crown: Any) -> Any:
    from mutualaid.funds.services import fund_create

    return fund_create(group=crown, name="Rent Relief", kind="rent", currency="USD", visibility="members")


def fill(fund: Any, amount: int, by: Any) -> Any:
    from mutualaid.funds.services import contribution_record

    return contribution_record(
        fund=fund, amount=amount, currency=fund.currency, method="cash", recorded_by=by
    )


def approved(fund: Any, *, amount: int, asker: Any, voters: list[Any], kind: str = "grant") -> Any:
    from mutualaid.funds.services import request_approve, request_create

    ask = request_create(
        fund=fund, requested_by=asker, amount=amount, currency=fund.currency, purpose="rent", kind=kind
    )
    for voter in voters:
        ask = request_approve(request=ask, voter=voter)
    return ask


def assert_ledger_consistent(fund: Any) -> None:
    """Every account's balance equals the sum of its entries; every transaction sums to zero."""
    from django.db.models import Sum

    from mutualaid.funds.models import Account, Transaction

    for account in Account.objects.filter(fund=fund):
        total = account.entries.aggregate(s=Sum("amount"))["s"] or 0
        assert account.balance == total, f"{account.kind}: cached {account.balance} != entries {total}"
    for record in Transaction.objects.filter(fund=fund):
        assert (record.entries.aggregate(s=Sum("amount"))["s"] or 0) == 0
        assert record.entries.count() >= 2
