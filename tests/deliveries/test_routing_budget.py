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


def test_a_new_start_begins_from_the_best_plan_so_far(monkeypatch: pytest.MonkeyPatch) -> None:
    import json
    import sys
    from pathlib import Path

    from mutualaid.deliveries.routing import build_problem, load_instance

    bench = str(Path(__file__).resolve().parents[2] / "bench")
    if bench not in sys.path:
        sys.path.insert(0, bench)
    from routing import city  # type: ignore[import-not-found]  # bench/ is not a package

    starts: list[tuple[int, bool]] = []
    search = solve._search

    def recorded(model: object, deadline: object, *, seed: int, initial: object) -> object:
        starts.append((seed, initial is not None))
        return search(model, deadline, seed=seed, initial=initial)

    monkeypatch.setattr(solve, "_search", recorded)
    monkeypatch.setattr(solve, "_STALL_MIN", 50)
    monkeypatch.setattr(solve, "_STALL_PER_STOP", 0)
    monkeypatch.setattr(solve, "_RESTART_FROM_BEST", True)
    problem = build_problem(load_instance(json.dumps(city(30, 3, windows=True, seed=1))))
    plan = solve.solve_problem(problem, time_limit_s=0.5, seed=7)
    assert len(starts) >= 2 and plan.stats["starts"] == len(starts)
    # The first search starts from PyVRP's random plan, every later one (another seed) from the best so far.
    assert starts[0] == (7, False) and all(warm for _seed, warm in starts[1:])
    assert [seed for seed, _warm in starts] == list(range(7, 7 + len(starts)))
