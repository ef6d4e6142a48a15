"""The hold/loan state machine against a plain model of it, over random sequences of requests,
withdrawals, hand-overs, returns and circulation changes: at most one member holds an item, the
waitlist is first come first served, a free item in circulation never leaves anyone waiting, and a
refused action changes nothing."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mutualaid.lending import services
from mutualaid.lending.models import Loan, LoanState

ACTIONS = ("request", "cancel", "lend", "return", "out", "in")
operations = st.lists(st.tuples(st.sampled_from(ACTIONS), st.integers(0, 2)), max_size=25)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=operations)
def test_holds_and_waitlist_follow_the_model(
    ops: list[tuple[str, int]], crown: Any, ada: Any, ben: Any, fay: Any, ida: Any
) -> None:
    members = [ben, fay, ida]
    with transaction.atomic():
        item = services.item_create(group=crown, actor=ada, data=services.ItemInput(name="Drill"))
        # The model: who holds it ("ready" or "out"), who waits in order, whether it circulates.
        holder: tuple[int, str] | None = None
        queue: list[int] = []
        circulating = True

        def promote() -> tuple[int, str] | None:
            if circulating and holder is None and queue:
                return (queue.pop(0), "ready")
            return holder

        for action, who in ops:
            member = members[who]
            open_loan = Loan.objects.filter(
                item=item, member=member, state__in=["waiting", "ready", "out"]
            ).first()
            holding = Loan.objects.filter(item=item, state__in=["ready", "out"]).first()
            try:
                with transaction.atomic():
                    if action == "request":
                        services.request(item=item, member=member)
                    elif action == "cancel" and open_loan is not None:
                        services.cancel(loan=open_loan, actor=member)
                    elif action == "lend" and holding is not None:
                        services.lend(loan=holding, actor=ada)
                    elif action == "return" and holding is not None:
                        services.give_back(loan=holding, actor=ada)
                    elif action in ("out", "in"):
                        services.set_circulation(item=item, actor=ada, in_circulation=action == "in")
                    else:
                        continue
            except (ValidationError, PermissionDenied):
                refused = True
            else:
                refused = False
            # The same step on the model; `expected_refusal` says whether the service had to refuse.
            expected_refusal = False
            if action == "request":
                if not circulating or who in queue or (holder is not None and holder[0] == who):
                    expected_refusal = True
                elif holder is None:
                    holder = (who, "ready")
                else:
                    queue.append(who)
            elif action == "cancel":
                if who in queue:
                    queue.remove(who)
                elif holder is not None and holder[0] == who and holder[1] == "ready":
                    holder = None
                    holder = promote()
                else:
                    expected_refusal = True
            elif action == "lend":
                if holder is not None and holder[1] == "ready":
                    holder = (holder[0], "out")
                else:
                    expected_refusal = True
            elif action == "return":
                if holder is not None and holder[1] == "out":
                    holder = None
                    holder = promote()
                else:
                    expected_refusal = True
            elif action == "out":
                circulating = False
                if holder is not None and holder[1] == "ready":
                    queue.insert(0, holder[0])
                    holder = None
            elif action == "in":
                circulating = True
                holder = promote()
            assert refused == expected_refusal, (action, who)

            rows = list(Loan.objects.filter(item=item, state__in=["waiting", "ready", "out"]))
            held = [(members.index(r.member), r.state) for r in rows if r.state != LoanState.WAITING]
            waiting = sorted(
                (r for r in rows if r.state == LoanState.WAITING), key=lambda r: (r.requested_at, r.pk)
            )
            assert held == ([holder] if holder else [])
            assert [members.index(r.member) for r in waiting] == queue
            if circulating and not held:
                assert not waiting, "a free item in circulation leaves nobody waiting"
        transaction.set_rollback(True)
