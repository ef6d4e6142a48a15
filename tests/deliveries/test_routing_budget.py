"""How the planner spends its time limit (routing/solve.py): a settled search gives way to a new start only
while a new start has time to settle; the last one runs to the limit."""

from __future__ import annotations

import pytest

from mutualaid.deliveries.routing import solve

pytestmark = pytest.mark.pure


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _settled(deadline: solve._Deadline, clock: _Clock, at: float, iterations: int) -> bool:
    """Feed the criterion ``iterations`` times the same feasible cost at ``at`` seconds; whether it stops."""
    clock.now = 100.0 + at
    return any(deadline(1000.0) for _ in range(iterations))


def test_a_stall_stops_the_search_while_a_new_start_has_time(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = _Clock()
    monkeypatch.setattr(solve, "CLOCK", clock)
    deadline = solve._Deadline(10.0, None, 5, keep=1.0)
    assert not _settled(deadline, clock, 2.0, 5)  # the first cost is a new best: 5 more to stall
    assert _settled(deadline, clock, 2.0, 1) and deadline.stalled


def test_the_last_search_runs_to_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = _Clock()
    monkeypatch.setattr(solve, "CLOCK", clock)
    deadline = solve._Deadline(10.0, None, 5, keep=1.0)
    # Settled with 0.5 s left, less than a new start needs: the search goes on, and stops at the limit.
    assert not _settled(deadline, clock, 9.5, 50) and not deadline.stalled
    assert _settled(deadline, clock, 10.0, 1) and not deadline.stalled
    # Without ``keep`` (the setting off) the same stall stops it early.
    clock.now = 100.0
    early = solve._Deadline(10.0, None, 5)
    assert _settled(early, clock, 9.5, 6) and early.stalled
