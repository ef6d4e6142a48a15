"""Money never goes wrong: property-based tests of the ledger invariants (hypothesis).

Random sequences of contributions, requests, approvals, payments, bail settlements and reversals —
valid and invalid — run through the services. After each step: every account's balance equals the sum
of its entries, every transaction sums to zero, and no fund that forbids overdrafts is below zero.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from mutualaid.funds import services
from mutualaid.funds.models import Account, Request, RequestStatus, Transaction
from tests.funds.conftest import assert_ledger_consistent

amounts = st.one_of(st.integers(min_value=1, max_value=500_00), st.integers(min_value=-10_00, max_value=0))
operations = st.lists(
    st.one_of(
        st.tuples(st.just("contribute"), amounts),
        st.tuples(st.just("ask"), amounts),
        st.tuples(st.just("ask_approved"), amounts),
        st.tuples(st.just("approve"), st.integers(0, 30)),
        st.tuples(st.just("pay"), st.integers(0, 30)),
        st.tuples(st.just("reverse"), st.integers(0, 60)),
        st.tuples(st.just("settle"), st.integers(0, 30), st.integers(0, 500_00), st.booleans()),
    ),
    max_size=30,
)


def _pick(items: list[Any], index: int) -> Any:
    return items[index % len(items)] if items else None


def _apply(fund: Any, op: tuple[Any, ...], ada: Any, ida: Any, ben: Any) -> None:
    name = op[0]
    requests = list(Request.objects.filter(fund=fund).order_by("pk"))
    if name == "contribute":
        services.contribution_record(fund=fund, amount=op[1], currency="USD", method="cash", recorded_by=ada)
    elif name == "ask":
        services.request_create(
            fund=fund,
            requested_by=ben,
            amount=op[1],
            currency="USD",
            purpose="x",
            kind="bail" if op[1] % 2 else "grant",
        )
    elif name == "ask_approved":
        ask = services.request_create(
            fund=fund,
            requested_by=ben,
            amount=op[1],
            currency="USD",
            purpose="x",
            kind="bail" if op[1] % 2 else "grant",
        )
        services.request_approve(request=ask, voter=ada)
        if ask.amount > fund.single_approval_limit:
            services.request_approve(request=ask, voter=ida)
    elif name == "approve" and (ask := _pick(requests, op[1])):
        services.request_approve(request=ask, voter=ada if op[1] % 2 else ida)
    elif name == "pay" and (
        ask := _pick([r for r in requests if r.status != "paid" or op[1] % 5 == 0], op[1])
    ):
        services.request_pay(request=ask, paid_by=ada, method="bank")
    elif name == "reverse" and (
        record := _pick(list(Transaction.objects.filter(fund=fund).order_by("pk")), op[1])
    ):
        services.transaction_reverse(record=record, reversed_by=ida, reason="entered twice")
    elif name == "settle" and (
        ask := _pick([r for r in requests if r.bail_status == "out" or op[1] % 5 == 0], op[1])
    ):
        services.bail_settle(request=ask, returned=op[2], forfeit_rest=op[3], recorded_by=ada)


def _snapshot(fund: Any) -> tuple[Any, ...]:
    return (
        tuple(Account.objects.filter(fund=fund).order_by("pk").values_list("balance", flat=True)),
        Transaction.objects.filter(fund=fund).count(),
        tuple(Request.objects.filter(fund=fund).order_by("pk").values_list("status", "bail_status")),
    )


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=operations, overdraft=st.booleans())
# Found by hypothesis: a grant paid, reversed and paid again once counted as negative bail.
@example(ops=[("ask_approved", 2), ("pay", 0), ("reverse", 0), ("pay", 0)], overdraft=True)
def test_no_sequence_of_operations_unbalances_the_ledger(
    ops: list[tuple[Any, ...]], overdraft: bool, crown: Any, ada: Any, ida: Any, ben: Any
) -> None:
    with transaction.atomic():
        fund = services.fund_create(
            group=crown,
            name="Property fund",
            kind="bail",
            single_approval_limit=100_00,
            allow_overdraft=overdraft,
        )
        for op in ops:
            before = _snapshot(fund)
            try:
                with transaction.atomic():
                    _apply(fund, op, ada, ida, ben)
            except ValidationError:
                # A refused operation leaves no trace at all.
                assert _snapshot(fund) == before
            assert_ledger_consistent(fund)
            balances = {a.kind: a.natural_balance for a in Account.objects.filter(fund=fund)}
            if not overdraft:
                assert balances["balance"] >= 0
            assert (
                balances["pending"] >= 0 and balances["disbursements"] >= 0 and balances["contributions"] >= 0
            )
            # The money is all accounted for: what came in is held, out on bail, or spent.
            assert (
                balances["contributions"]
                == balances["balance"] + balances["pending"] + balances["disbursements"]
            )
            paid = Request.objects.filter(fund=fund, status=RequestStatus.PAID)
            for ask in paid:
                assert services.bail_outstanding(ask) >= 0
        from hypothesis import event

        event(f"paid={Request.objects.filter(fund=fund, status=RequestStatus.PAID).count() > 0}")
        event(f"reversals={Transaction.objects.filter(fund=fund, kind='reversal').exists()}")
        event(
            f"bail_back={Transaction.objects.filter(fund=fund, kind__in=['bail_returned', 'bail_forfeited']).exists()}"
        )
        transaction.set_rollback(True)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    gifts=st.lists(st.integers(min_value=1, max_value=1_000_00), min_size=1, max_size=5),
    bails=st.lists(st.tuples(st.integers(1, 2_000_00), st.integers(0, 2_000_00), st.booleans()), max_size=5),
)
def test_bail_out_and_back_keeps_every_cent(
    gifts: list[int], bails: list[tuple[int, int, bool]], crown: Any, ada: Any, ida: Any, ben: Any
) -> None:
    with transaction.atomic():
        fund = services.fund_create(group=crown, name="Bail property fund", kind="bail")
        for gift in gifts:
            services.contribution_record(
                fund=fund, amount=gift, currency="USD", method="cash", recorded_by=ada
            )
        forfeited = 0
        for amount, returned, forfeit in bails:
            ask = services.request_create(
                fund=fund, requested_by=ben, amount=amount, currency="USD", purpose="x", kind="bail"
            )
            services.request_approve(request=ask, voter=ada)
            services.request_approve(request=ask, voter=ida)
            try:
                services.request_pay(request=ask, paid_by=ada, method="check")
            except ValidationError:
                assert amount > Account.objects.get(fund=fund, kind="balance").balance
                continue
            try:
                services.bail_settle(request=ask, returned=returned, forfeit_rest=forfeit, recorded_by=ida)
            except ValidationError:
                assert returned > amount or (returned == 0 and not forfeit)
            else:
                forfeited += amount - returned if forfeit else 0
            assert_ledger_consistent(fund)
        balances = {a.kind: a.natural_balance for a in Account.objects.filter(fund=fund)}
        assert balances["contributions"] == sum(gifts)
        assert balances["disbursements"] == forfeited
        assert balances["balance"] + balances["pending"] == sum(gifts) - forfeited
        transaction.set_rollback(True)
