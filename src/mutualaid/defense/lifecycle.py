"""The life of a rapid-response alert as a Django-free transition table (see exchange/lifecycle.py).

    reported ─claim→ claimed ─confirm→ confirming ─confirm (a second verifier)→ sent ─clear→ cleared
        └──────────────┴── unfound ──→ unfounded             sent ─correct→ sent
    any open state or sent ─expire→ expired

An alert is *sent* (broadcast) only when enough distinct verifiers confirmed it: two, or one with
evidence where the group allows it. The reporter never confirms their own report. Terminal states
(cleared, unfounded, expired) take no further action. `tests/defense/test_lifecycle.py` drives random
sequences of actions through these functions and checks that no illegal state is ever reached.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

REPORTED = "reported"
CLAIMED = "claimed"
CONFIRMING = "confirming"
SENT = "sent"
CLEARED = "cleared"
UNFOUNDED = "unfounded"
EXPIRED = "expired"

OPEN = frozenset({REPORTED, CLAIMED, CONFIRMING})  # waiting for verifiers
TERMINAL = frozenset({CLEARED, UNFOUNDED, EXPIRED})
STATES = OPEN | TERMINAL | {SENT}


class IllegalTransition(Exception):
    """The action does not apply to the alert in its present state (the message says why)."""


@dataclass(frozen=True)
class Alert:
    state: str = REPORTED
    reporter: int | None = None  # who reported it (a member id), when a member did
    claimed_by: int | None = None
    confirmers: frozenset[int] = frozenset()
    evidence: bool = False  # a confirmation came with evidence (a photo or video a verifier saw)


def enough(confirmers: frozenset[int], *, evidence: bool, one_with_evidence: bool) -> bool:
    """Whether the confirmations so far allow a broadcast."""
    return len(confirmers) >= 2 or (one_with_evidence and evidence and len(confirmers) >= 1)


def claim(alert: Alert, verifier: int) -> Alert:
    if alert.state not in OPEN:
        raise IllegalTransition("closed")
    if alert.claimed_by is not None and alert.claimed_by != verifier:
        raise IllegalTransition("claimed by another verifier")
    return replace(alert, state=CLAIMED if alert.state == REPORTED else alert.state, claimed_by=verifier)


def confirm(alert: Alert, verifier: int, *, evidence: bool, one_with_evidence: bool) -> Alert:
    if alert.state not in OPEN:
        raise IllegalTransition("closed")
    if verifier == alert.reporter:
        raise IllegalTransition("own report")
    if verifier in alert.confirmers:
        raise IllegalTransition("already confirmed")
    confirmers = alert.confirmers | {verifier}
    with_evidence = alert.evidence or evidence
    state = (
        SENT
        if enough(confirmers, evidence=with_evidence, one_with_evidence=one_with_evidence)
        else CONFIRMING
    )
    return replace(alert, state=state, confirmers=confirmers, evidence=with_evidence)


def unfound(alert: Alert, verifier: int) -> Alert:
    if alert.state not in OPEN:
        raise IllegalTransition("closed")
    return replace(alert, state=UNFOUNDED)


def correct(alert: Alert) -> Alert:
    if alert.state != SENT:
        raise IllegalTransition("not sent")
    return alert


def clear(alert: Alert) -> Alert:
    if alert.state != SENT:
        raise IllegalTransition("not sent")
    return replace(alert, state=CLEARED)


def expire(alert: Alert) -> Alert:
    if alert.state not in OPEN and alert.state != SENT:
        raise IllegalTransition("closed")
    return replace(alert, state=EXPIRED)


def legal(alert: Alert, *, one_with_evidence: bool) -> bool:
    """The invariant every reachable alert keeps (what the property test checks)."""
    if alert.state not in STATES:
        return False
    if alert.reporter is not None and alert.reporter in alert.confirmers:
        return False
    was_sent = enough(alert.confirmers, evidence=alert.evidence, one_with_evidence=one_with_evidence)
    if alert.state in {SENT, CLEARED} and not was_sent:
        return False
    if alert.state == CONFIRMING and (not alert.confirmers or was_sent):
        return False
    if alert.state == REPORTED and (alert.confirmers or alert.claimed_by is not None):
        return False
    return not (alert.state == CLAIMED and (alert.claimed_by is None or alert.confirmers))
