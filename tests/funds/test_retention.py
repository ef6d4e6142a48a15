"""Settled requests lose their purpose, payee and receipts after the retention period; the ledger stays."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from mutualaid.funds import selectors, services
from mutualaid.funds.models import Approval, IdempotencyKey, Receipt, Request
from tests.funds.conftest import PNG, approved, fill


def test_purge_after_retention(
    settings: Any, rent_fund: Any, bail_fund: Any, ada: Any, ida: Any, ben: Any
) -> None:
    settings.MUTUALAID_RETENTION_DAYS = 30
    fill(rent_fund, 100_00, ada)
    fill(bail_fund, 100_00, ada)
    paid = approved(rent_fund, amount=40_00, asker=ben, voters=[ada, ida], kind="reimbursement")
    services.receipt_add(request=paid, uploaded_by=ben, data=PNG)
    services.request_pay(request=paid, paid_by=ada, method="cash")
    bail = services.request_create(
        fund=bail_fund, requested_by=ben, amount=40_00, currency="USD", purpose="bail", kind="bail"
    )
    services.request_approve(request=bail, voter=ada)
    services.request_pay(request=bail, paid_by=ada, method="check")
    still_open = services.request_create(
        fund=rent_fund, requested_by=ben, amount=5_00, currency="USD", purpose="open one"
    )

    assert services.requests_purge(now=timezone.now() + datetime.timedelta(days=29)) == 0
    assert services.requests_purge(now=timezone.now() + datetime.timedelta(days=31)) == 1
    paid.refresh_from_db()
    assert (paid.purpose, paid.payee, paid.purged, paid.requested_by, paid.decided_by) == (
        "",
        "",
        True,
        None,
        None,
    )
    assert not Receipt.objects.exists()
    assert not Approval.objects.filter(request=paid).exists()
    assert Approval.objects.filter(request=bail).exists()
    # Bail at the court and open requests keep their details; the ledger is untouched.
    assert Request.objects.get(pk=bail.pk).purpose == "bail"
    assert Request.objects.get(pk=still_open.pk).purpose == "open one"
    assert selectors.fund_balances(rent_fund)["disbursements"] == 40_00


def test_old_idempotency_keys_expire(ada: Any) -> None:
    IdempotencyKey.objects.create(user=ada, key="k", operation="x", payload_hash="h", status=201, body={})
    services.requests_purge(now=timezone.now() + datetime.timedelta(days=8))
    assert not IdempotencyKey.objects.exists()
