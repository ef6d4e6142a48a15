"""Approval rules and immutability, as properties (hypothesis).

Random sequences of rule changes, requests, votes by coordinators, members, the requester and an
outsider, payments, declines, withdrawals, contributions and reversals. After every step:
- a request only becomes approved when the fund's rule (as it stands at that moment) is met, and
  never with a vote from its requester, an outsider, or the same voter twice;
- a request is only ever paid straight from approved, so no money leaves without the rule met;
- every posted transaction and entry is exactly as it was: corrections are new rows, never edits;
- the ledger balances.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from mutualaid.funds import services
from mutualaid.funds.models import Approval, Entry, Fund, Request, RequestStatus, Transaction
from mutualaid.members.models import Membership
from tests.conftest import make_user
from tests.funds.conftest import assert_ledger_consistent

small = st.integers(min_value=-5_00, max_value=300_00)
index = st.integers(min_value=0, max_value=40)
operations = st.lists(
    st.one_of(
        st.tuples(
            st.just("rule"), st.integers(0, 200_00), st.integers(0, 3), st.integers(0, 3), st.booleans()
        ),
        st.tuples(st.just("contribute"), small),
        st.tuples(st.just("ask"), small, st.booleans()),
        # A request and a run of votes on it (in one go, so that rules get met often), maybe paid.
        st.tuples(
            st.just("campaign"), small, st.booleans(), st.lists(st.integers(0, 4), max_size=5), st.booleans()
        ),
        st.tuples(st.just("vote"), index, st.integers(0, 4)),
        st.tuples(st.just("pay"), index),
        st.tuples(st.just("decline"), index),
        st.tuples(st.just("withdraw"), index, st.booleans()),
        st.tuples(st.just("reverse"), index),
    ),
    max_size=35,
)


def _pick(items: list[Any], i: int) -> Any:
    return items[i % len(items)] if items else None


def _ledger_rows(fund: Fund) -> tuple[Any, ...]:
    records = tuple(
        Transaction.objects.filter(fund=fund)
        .order_by("pk")
        .values_list(
            "pk",
            "kind",
            "category",
            "currency",
            "amount",
            "method",
            "occurred_on",
            "posted_at",
            "posted_by",
            "reverses",
            "request",
            "pledge",
        )
    )
    entries = tuple(
        Entry.objects.filter(account__fund=fund)
        .order_by("pk")
        .values_list("pk", "transaction", "account", "amount")
    )
    return records, entries


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=operations)
def test_money_leaves_only_when_the_rule_is_met_and_posted_rows_never_change(
    ops: list[tuple[Any, ...]], crown: Any, bush: Any, ada: Any, ida: Any, ben: Any, cy: Any
) -> None:
    with transaction.atomic():
        dot = make_user("dot-prop")
        Membership.objects.create(user=dot, group=crown, role="member")
        voters = [ada, ida, ben, dot, cy]  # two coordinators, two members, one outsider
        fund = services.fund_create(group=crown, name="Rules fund", kind="rent", single_approval_limit=50_00)
        services.contribution_record(
            fund=fund, amount=1000_00, currency="USD", method="cash", recorded_by=ada
        )
        for op in ops:
            requests = list(Request.objects.filter(fund=fund).order_by("pk"))
            before_status = {r.pk: r.status for r in requests}
            before_rows = _ledger_rows(fund)
            try:
                with transaction.atomic():
                    name = op[0]
                    if name == "rule":
                        services.fund_update(
                            fund=fund,
                            name=fund.name,
                            purpose="",
                            visibility="members",
                            single_approval_limit=op[1],
                            coordinator_approvals=op[2],
                            member_approvals=op[3],
                            allow_overdraft=op[4],
                        )
                    elif name == "contribute":
                        services.contribution_record(
                            fund=fund, amount=op[1], currency="USD", method="cash", recorded_by=ada
                        )
                    elif name == "ask":
                        services.request_create(
                            fund=fund,
                            requested_by=ben if op[2] else dot,
                            amount=op[1],
                            currency="USD",
                            purpose="x",
                        )
                    elif name == "campaign":
                        ask = services.request_create(
                            fund=fund,
                            requested_by=ben if op[2] else dot,
                            amount=op[1],
                            currency="USD",
                            purpose="x",
                        )
                        for voter in op[3]:
                            try:
                                with transaction.atomic():
                                    services.request_approve(request=ask, voter=voters[voter])
                            except ValidationError:
                                pass
                        if op[4]:
                            services.request_pay(request=ask, paid_by=ida, method="bank")
                    elif name == "vote" and (ask := _pick(requests, op[1])):
                        services.request_approve(request=ask, voter=voters[op[2]])
                    elif name == "pay" and (ask := _pick(requests, op[1])):
                        services.request_pay(request=ask, paid_by=ida, method="bank")
                    elif name == "decline" and (ask := _pick(requests, op[1])):
                        services.request_decline(request=ask, declined_by=ada)
                    elif name == "withdraw" and (ask := _pick(requests, op[1])):
                        services.request_withdraw(request=ask, user=ben if op[2] else dot)
                    elif name == "reverse" and (
                        record := _pick(list(Transaction.objects.filter(fund=fund).order_by("pk")), op[1])
                    ):
                        services.transaction_reverse(record=record, reversed_by=ada, reason="entered twice")
            except ValidationError:
                assert _ledger_rows(fund) == before_rows  # refused: nothing written
            fund.refresh_from_db()

            # Posted rows are never edited or deleted: the old ledger is a prefix of the new one.
            after_rows = _ledger_rows(fund)
            for old, new in zip(before_rows, after_rows, strict=True):
                assert new[: len(old)] == old

            for ask in Request.objects.filter(fund=fund):
                was = before_status.get(ask.pk)
                votes = list(Approval.objects.filter(request=ask).values_list("voter_id", flat=True))
                assert ask.requested_by_id not in votes
                assert cy.pk not in votes
                assert len(votes) == len(set(votes))
                ask.fund = fund
                if was is None:
                    # Asked (and maybe voted on and paid) within this step: it got past open only by the rule.
                    if ask.status in (RequestStatus.APPROVED, RequestStatus.PAID):
                        assert services.rule_met(ask), (op, votes)
                    continue
                if was == RequestStatus.OPEN and ask.status == RequestStatus.APPROVED:
                    assert services.rule_met(ask), (op, votes)
                if ask.status == RequestStatus.PAID and was != RequestStatus.PAID:
                    assert was == RequestStatus.APPROVED
            assert_ledger_consistent(fund)
        statuses = set(Request.objects.filter(fund=fund).values_list("status", flat=True))
        event(f"paid={'paid' in statuses}")
        event(f"member_votes={Approval.objects.filter(request__fund=fund, as_coordinator=False).exists()}")
        transaction.set_rollback(True)
