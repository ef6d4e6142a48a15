"""The alert state machine never reaches an illegal state, whatever verifiers do in whatever order."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from mutualaid.defense import lifecycle
from mutualaid.defense.lifecycle import Alert, IllegalTransition

VERIFIERS = st.integers(min_value=1, max_value=4)
ACTIONS = st.one_of(
    st.tuples(st.just("claim"), VERIFIERS, st.booleans()),
    st.tuples(st.just("confirm"), VERIFIERS, st.booleans()),
    st.tuples(st.just("unfound"), VERIFIERS, st.booleans()),
    st.tuples(st.just("correct"), VERIFIERS, st.booleans()),
    st.tuples(st.just("clear"), VERIFIERS, st.booleans()),
    st.tuples(st.just("expire"), VERIFIERS, st.booleans()),
)


def _apply(alert: Alert, action: tuple[str, int, bool], one_with_evidence: bool) -> Alert:
    name, verifier, evidence = action
    if name == "claim":
        return lifecycle.claim(alert, verifier)
    if name == "confirm":
        return lifecycle.confirm(alert, verifier, evidence=evidence, one_with_evidence=one_with_evidence)
    if name == "unfound":
        return lifecycle.unfound(alert, verifier)
    if name == "correct":
        return lifecycle.correct(alert)
    if name == "clear":
        return lifecycle.clear(alert)
    return lifecycle.expire(alert)


@settings(max_examples=400)
@given(
    actions=st.lists(ACTIONS, max_size=12),
    one_with_evidence=st.booleans(),
    reporter=st.one_of(st.none(), VERIFIERS),
)
def test_no_sequence_of_actions_reaches_an_illegal_state(
    actions: list[tuple[str, int, bool]], one_with_evidence: bool, reporter: int | None
) -> None:
    alert = Alert(reporter=reporter)
    history = [alert.state]
    for action in actions:
        before = alert
        try:
            alert = _apply(alert, action, one_with_evidence)
        except IllegalTransition:
            assert alert == before  # a refused action changes nothing
            continue
        assert lifecycle.legal(alert, one_with_evidence=one_with_evidence), (history, action, alert)
        if before.state in lifecycle.TERMINAL:
            raise AssertionError(f"{action} moved a closed alert {before}")
        history.append(alert.state)
    # Sent only with enough distinct confirmers, never the reporter's own.
    if lifecycle.SENT in history:
        assert len(alert.confirmers) >= 2 or (one_with_evidence and alert.evidence)
        assert reporter not in alert.confirmers


def test_the_table_by_hand() -> None:
    alert = lifecycle.claim(Alert(reporter=9), 1)
    assert alert.state == "claimed"
    alert = lifecycle.confirm(alert, 1, evidence=True, one_with_evidence=False)
    assert alert.state == "confirming"
    try:
        lifecycle.confirm(alert, 1, evidence=True, one_with_evidence=False)
    except IllegalTransition as exc:
        assert str(exc) == "already confirmed"
    else:
        raise AssertionError("a verifier confirmed twice")
    try:
        lifecycle.confirm(alert, 9, evidence=False, one_with_evidence=False)
    except IllegalTransition as exc:
        assert str(exc) == "own report"
    else:
        raise AssertionError("the reporter confirmed their own report")
    alert = lifecycle.confirm(alert, 2, evidence=False, one_with_evidence=False)
    assert alert.state == "sent"
    assert lifecycle.correct(alert).state == "sent"
    assert lifecycle.clear(alert).state == "cleared"
    assert lifecycle.confirm(Alert(), 1, evidence=True, one_with_evidence=True).state == "sent"
    assert lifecycle.confirm(Alert(), 1, evidence=False, one_with_evidence=True).state == "confirming"
