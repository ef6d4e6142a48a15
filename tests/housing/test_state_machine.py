"""hypothesis: whatever steps anyone takes on a stay, in any order, the stay never reaches an illegal
state (confirmed without the host's agreement or by the coordinator who proposed it, a step out of a
final state), and the database always agrees with the pure state machine."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mutualaid.housing import services, states
from mutualaid.housing.models import Stay
from tests.housing.conftest import tomorrow

ACTORS = (1, 2, 3, 4)
steps = st.lists(st.tuples(st.sampled_from(states.ACTIONS), st.sampled_from(ACTORS)), max_size=12)


@settings(max_examples=300, deadline=None)
@given(steps=steps, proposer=st.sampled_from(ACTORS))
def test_pure_machine_never_reaches_an_illegal_state(steps: list[tuple[str, int]], proposer: int) -> None:
    facts = states.Facts(state=states.PROPOSED, proposed_by=proposer)
    for action, actor in steps:
        before = facts
        try:
            facts = states.step(facts, action, actor)
        except states.IllegalStep:
            assert facts == before
        assert states.legal(facts)
        if before.state in (states.ENDED, states.CANCELLED):
            assert facts == before


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    steps=st.lists(
        st.tuples(st.sampled_from(states.ACTIONS), st.sampled_from(("ada", "ida", "ben", "fay"))), max_size=8
    )
)
def test_services_follow_the_machine(
    steps: list[tuple[str, str]], offer: Any, need: Any, ada: Any, ida: Any, ben: Any, fay: Any
) -> None:
    people = {"ada": ada, "ida": ida, "ben": ben, "fay": fay}
    savepoint = transaction.savepoint()
    try:
        stay = services.stay_propose(
            offer=offer,
            actor=ada,
            need=need,
            starts_on=tomorrow(),
            ends_on=tomorrow() + datetime.timedelta(days=2),
        )
        facts = states.Facts(state=states.PROPOSED, proposed_by=ada.pk)
        for action, name in steps:
            actor = people[name]
            try:
                services.stay_step(stay=stay, actor=actor, action=action)
            except (ValidationError, PermissionDenied):
                pass
            else:
                facts = states.step(facts, action, actor.pk)
            row = Stay.objects.get(pk=stay.pk)
            seen = states.Facts(
                state=row.state,
                proposed_by=row.proposed_by_id,
                host_agreed=row.host_agreed_at is not None,
                confirmed_by=row.confirmed_by_id,
            )
            assert seen == facts
            assert states.legal(seen)
            # Only the host agrees; only a coordinator confirms.
            if row.host_agreed_at is not None:
                assert any(a == "agree" and n == "ben" for a, n in steps)
            assert row.confirmed_by_id in (None, ida.pk)
            assert (row.closed_at is not None) == (row.state in ("ended", "cancelled"))
    finally:
        transaction.savepoint_rollback(savepoint)
