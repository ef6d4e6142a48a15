"""The stay state machine, pure: which step is allowed from which state, by whom.

    proposed --host agrees--> proposed (agreed) --another coordinator confirms--> confirmed --end--> ended
    proposed --cancel / host declines--> cancelled        confirmed --cancel--> cancelled

A confirmation needs the host's agreement and a coordinator other than the one who proposed the stay
(the two-person rule). Ended and cancelled are final. Services take the row lock, then ask `step`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

PROPOSED = "proposed"
CONFIRMED = "confirmed"
ENDED = "ended"
CANCELLED = "cancelled"
STATES = (PROPOSED, CONFIRMED, ENDED, CANCELLED)

AGREE = "agree"
DECLINE = "decline"
CONFIRM = "confirm"
CANCEL = "cancel"
END = "end"
CHECKIN = "checkin"
ACTIONS = (AGREE, DECLINE, CONFIRM, CANCEL, END, CHECKIN)


class IllegalStep(Exception):
    """The step is not allowed now (the reason is a code the caller words for people)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Facts:
    state: str
    proposed_by: int | None
    host_agreed: bool = False
    confirmed_by: int | None = None


def step(facts: Facts, action: str, actor: int) -> Facts:
    """The facts after `actor` takes `action`, or IllegalStep. Who may act at all (coordinator, host)
    is checked by the caller; this checks only what the state allows."""
    if facts.state in (ENDED, CANCELLED):
        raise IllegalStep("final")
    if action == AGREE:
        if facts.state != PROPOSED:
            raise IllegalStep("not_proposed")
        return replace(facts, host_agreed=True)
    if action == DECLINE:
        if facts.state != PROPOSED:
            raise IllegalStep("not_proposed")
        return replace(facts, state=CANCELLED)
    if action == CONFIRM:
        if facts.state != PROPOSED:
            raise IllegalStep("not_proposed")
        if not facts.host_agreed:
            raise IllegalStep("host_not_agreed")
        if facts.proposed_by is None or actor == facts.proposed_by:
            raise IllegalStep("same_coordinator")
        return replace(facts, state=CONFIRMED, confirmed_by=actor)
    if action == CANCEL:
        return replace(facts, state=CANCELLED)
    if action == END:
        if facts.state != CONFIRMED:
            raise IllegalStep("not_confirmed")
        return replace(facts, state=ENDED)
    if action == CHECKIN:
        if facts.state != CONFIRMED:
            raise IllegalStep("not_confirmed")
        return facts
    raise IllegalStep("unknown")


def legal(facts: Facts) -> bool:
    """The invariant every reachable state keeps."""
    if facts.state not in STATES:
        return False
    if facts.state == CONFIRMED or facts.confirmed_by is not None:
        return (
            facts.host_agreed
            and facts.confirmed_by is not None
            and facts.proposed_by is not None
            and facts.confirmed_by != facts.proposed_by
        )
    return True
