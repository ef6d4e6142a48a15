"""The life cycle of a need or an offer as an explicit state machine (no Django imports).

    open ──claim──▶ claimed ──accept──▶ in_progress ──fulfil──▶ fulfilled
      ▲  ◀─decline/release─┘                │
      └──────────────release────────────────┘
    open|claimed|in_progress ──withdraw──▶ withdrawn
    open ──expire──▶ expired ──renew──▶ open          (needs only; renew also pushes expiry back)
    open ──assign──▶ in_progress                       (a coordinator pairs two members directly)

`fulfilled` and `withdrawn` are final. Every move not in `TRANSITIONS` is illegal and refused.
"""

from __future__ import annotations

OPEN, CLAIMED, IN_PROGRESS, FULFILLED, WITHDRAWN, EXPIRED = (
    "open",
    "claimed",
    "in_progress",
    "fulfilled",
    "withdrawn",
    "expired",
)
STATES = (OPEN, CLAIMED, IN_PROGRESS, FULFILLED, WITHDRAWN, EXPIRED)
FINAL = frozenset({FULFILLED, WITHDRAWN})
CLOSED = frozenset({FULFILLED, WITHDRAWN, EXPIRED})

TRANSITIONS: dict[str, dict[str, str]] = {
    "claim": {OPEN: CLAIMED},
    "accept": {CLAIMED: IN_PROGRESS},
    "decline": {CLAIMED: OPEN},
    "assign": {OPEN: IN_PROGRESS},
    "release": {CLAIMED: OPEN, IN_PROGRESS: OPEN},
    "fulfil": {IN_PROGRESS: FULFILLED},
    "withdraw": {OPEN: WITHDRAWN, CLAIMED: WITHDRAWN, IN_PROGRESS: WITHDRAWN},
    "expire": {OPEN: EXPIRED},
    "renew": {OPEN: OPEN, EXPIRED: OPEN},
}
ACTIONS = tuple(TRANSITIONS)


class IllegalTransition(Exception):
    def __init__(self, action: str, state: str) -> None:
        super().__init__(f"cannot {action} from {state}")
        self.action = action
        self.state = state


def next_state(state: str, action: str) -> str:
    """The state after `action`, or IllegalTransition."""
    try:
        return TRANSITIONS[action][state]
    except KeyError:
        raise IllegalTransition(action, state) from None


def allowed(state: str) -> list[str]:
    return [action for action, moves in TRANSITIONS.items() if state in moves]


def live_claim_expected(state: str) -> str | None:
    """Which live claim a state implies: claimed ⇔ one pending claim, in_progress ⇔ one accepted."""
    return {CLAIMED: "pending", IN_PROGRESS: "accepted"}.get(state)
