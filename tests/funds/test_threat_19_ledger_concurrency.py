"""Concurrent approvals and payments never overdraw a fund (THREATS.md property 19). PostgreSQL only:
SQLite takes the write lock at BEGIN, so it cannot race in the first place."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from mutualaid.funds import services
from mutualaid.funds.models import Account, Approval, Request, Transaction
from tests.funds.conftest import assert_ledger_consistent
from tests.races import errors, race, require_postgresql

pytestmark = pytest.mark.postgres_only


@pytest.fixture
def _postgres() -> None:
    require_postgresql()


@pytest.mark.usefixtures("_postgres")
def test_many_payments_at_once_never_overdraw(
    transactional_db: Any, crown: Any, ada: Any, ida: Any, ben: Any
) -> None:
    fund = services.fund_create(group=crown, name="Race fund", single_approval_limit=100_00)
    services.contribution_record(fund=fund, amount=100_00, currency="USD", method="cash", recorded_by=ada)
    asks = []
    for _ in range(12):
        ask = services.request_create(fund=fund, requested_by=ben, amount=30_00, currency="USD", purpose="x")
        asks.append(services.request_approve(request=ask, voter=ada))
    results = race([lambda a=a: services.request_pay(request=a, paid_by=ida, method="cash") for a in asks])
    paid = [r for r in results if isinstance(r, Transaction)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(paid) == 3 and len(refused) == 9, results
    assert Account.objects.get(fund=fund, kind="balance").balance == 10_00
    assert Request.objects.filter(fund=fund, status="paid").count() == 3
    assert_ledger_consistent(fund)


@pytest.mark.usefixtures("_postgres")
def test_payments_and_contributions_interleaved(
    transactional_db: Any, crown: Any, ada: Any, ida: Any, ben: Any
) -> None:
    fund = services.fund_create(group=crown, name="Busy fund", single_approval_limit=100_00)
    asks = []
    for _ in range(8):
        ask = services.request_create(fund=fund, requested_by=ben, amount=25_00, currency="USD", purpose="x")
        asks.append(services.request_approve(request=ask, voter=ada))
    jobs: list[Callable[[], Any]] = [
        lambda a=a: services.request_pay(request=a, paid_by=ida, method="cash") for a in asks
    ]
    jobs += [
        lambda: services.contribution_record(
            fund=fund, amount=25_00, currency="USD", method="cash", recorded_by=ada
        )
        for _ in range(4)
    ]
    results = race(jobs)
    assert not [r for r in results if isinstance(r, Exception) and not isinstance(r, ValidationError)], (
        results
    )
    balance = Account.objects.get(fund=fund, kind="balance").balance
    paid = Request.objects.filter(fund=fund, status="paid").count()
    assert balance >= 0 and balance == 4 * 25_00 - paid * 25_00
    assert_ledger_consistent(fund)


@pytest.mark.usefixtures("_postgres")
def test_one_request_paid_by_many_at_once_is_paid_once(
    transactional_db: Any, crown: Any, ada: Any, ida: Any, ben: Any
) -> None:
    fund = services.fund_create(group=crown, name="Once fund", single_approval_limit=100_00)
    services.contribution_record(fund=fund, amount=500_00, currency="USD", method="cash", recorded_by=ada)
    ask = services.request_approve(
        request=services.request_create(
            fund=fund, requested_by=ben, amount=40_00, currency="USD", purpose="x"
        ),
        voter=ada,
    )
    race([lambda: services.request_pay(request=ask, paid_by=ida, method="cash") for _ in range(8)])
    assert Transaction.objects.filter(fund=fund, kind="disbursement").count() == 1
    assert Account.objects.get(fund=fund, kind="balance").balance == 460_00


@pytest.mark.usefixtures("_postgres")
def test_concurrent_approvals_count_each_voter_once(
    transactional_db: Any, crown: Any, ada: Any, ida: Any, ben: Any
) -> None:
    fund = services.fund_create(
        group=crown, name="Vote fund", single_approval_limit=0, coordinator_approvals=2
    )
    ask = services.request_create(fund=fund, requested_by=ben, amount=40_00, currency="USD", purpose="x")
    race([lambda v=v: services.request_approve(request=ask, voter=v) for v in (ada, ida, ada, ida, ada, ida)])
    assert Approval.objects.filter(request=ask).count() == 2
    assert Request.objects.get(pk=ask.pk).status == "approved"


@pytest.mark.usefixtures("_postgres")
def test_a_retried_api_call_racing_itself_posts_once(
    transactional_db: Any, crown: Any, ada: Any, api_for: Any
) -> None:
    import json

    fund = services.fund_create(group=crown, name="Retry fund")
    client_token = api_for(ada)
    url = f"/api/v1/groups/crown/funds/{fund.pk}/contributions"
    body = json.dumps({"amount": 10_00, "currency": "USD", "method": "cash"})

    def post() -> int:
        return int(
            client_token.post(
                url, body, content_type="application/json", headers={"Idempotency-Key": "retry-1"}
            ).status_code
        )

    results = race([post for _ in range(6)])
    assert results == [201] * 6
    assert Transaction.objects.filter(fund=fund).count() == 1


@pytest.mark.usefixtures("_postgres")
def test_changing_the_rule_while_paying_and_approving(
    transactional_db: Any, crown: Any, ada: Any, ida: Any, ben: Any
) -> None:
    fund = services.fund_create(group=crown, name="Rule fund", single_approval_limit=50_00)
    services.contribution_record(fund=fund, amount=500_00, currency="USD", method="cash", recorded_by=ada)
    paid = [
        services.request_approve(
            request=services.request_create(
                fund=fund, requested_by=ben, amount=20_00, currency="USD", purpose="x"
            ),
            voter=ada,
        )
        for _ in range(4)
    ]
    open_asks = [
        services.request_create(fund=fund, requested_by=ben, amount=80_00, currency="USD", purpose="y")
        for _ in range(3)
    ]
    jobs: list[Callable[[], Any]] = [
        lambda a=a: services.request_pay(request=a, paid_by=ida, method="cash") for a in paid
    ]
    jobs += [lambda a=a: services.request_approve(request=a, voter=ida) for a in open_asks]
    jobs += [
        lambda: services.fund_update(
            fund=fund,
            name="Rule fund",
            purpose="",
            visibility="members",
            single_approval_limit=100_00,
            coordinator_approvals=2,
            member_approvals=0,
            allow_overdraft=False,
        )
        for _ in range(2)
    ]
    results = race(jobs)
    assert not errors(results), results
    assert Request.objects.filter(fund=fund, status="paid").count() == 4
    # Under the new rule one coordinator's approval suffices for 80.00: every open request is approved.
    assert Request.objects.filter(pk__in=[a.pk for a in open_asks], status="approved").count() == 3
    assert_ledger_consistent(fund)
