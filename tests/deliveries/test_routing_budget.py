"""How the planner spends its time limit (routing/solve.py): a settled search gives way to a new start only
while a new start has time to settle; the last one runs to the limit. Searches run at once on the cores at hand,
and the shortest plan wins."""

from __future__ import annotations

import json
import os
import random
import threading
from typing import Any

import pytest

from mutualaid.deliveries.routing import load_instance, plan, solve
from tests.deliveries.routing_check import check

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


def _city(n_stops: int, seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    day = "2026-12-05T"
    stops = [
        {
            "id": f"s{k}",
            "lat": round(40.6694 + rng.uniform(-0.05, 0.05), 6),
            "lon": round(-73.9422 + rng.uniform(-0.06, 0.06), 6),
            "demand": rng.randint(1, 4),
            "service_min": 3,
            **({"window": [f"{day}{h:02d}:00:00Z", f"{day}{h + 2:02d}:00:00Z"]} if k % 4 == 0 else {}),
        }
        for k, h in ((k, rng.randrange(9, 14)) for k in range(n_stops))
    ]
    vehicles = [
        {"id": f"v{k}", "depot": "hub", "capacity": 30, "shift": [day + "08:00:00Z", day + "17:00:00Z"]}
        for k in range(4)
    ]
    return {"depots": [{"id": "hub", "lat": 40.6694, "lon": -73.9422}], "vehicles": vehicles, "stops": stops}


@pytest.mark.parametrize("parallel", [1, 2])
def test_searches_at_once_each_from_its_own_seeds_and_the_shortest_plan_is_kept(
    monkeypatch: pytest.MonkeyPatch, parallel: int
) -> None:
    monkeypatch.setattr(solve, "_PARALLEL", parallel)
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0, 1, 2, 3}, raising=False)
    # The second search joins once the first has settled: make it settle early, whatever the machine's load.
    monkeypatch.setattr(solve, "_STALL_MIN", 20)
    monkeypatch.setattr(solve, "_STALL_PER_STOP", 0)
    seen: list[tuple[str, int, int | None]] = []
    search = solve._search

    def recorded(model: Any, deadline: solve._Deadline, *, seed: int, initial: Any) -> Any:
        result = search(model, deadline, seed=seed, initial=initial)
        seen.append(
            (threading.current_thread().name, seed, result.best.distance() if result.is_feasible() else None)
        )
        return result

    monkeypatch.setattr(solve, "_search", recorded)
    obj = _city(40, seed=5)
    out = plan(load_instance(json.dumps(obj)), time_limit_s=0.6)
    check(obj, out)
    assert out["unserved"] == [] and out["stats"]["searches"] == parallel
    # Each search's first start takes its own seed, the instance's (1) and 1 + 1000 per search after it
    # (which joins when the first has settled), in a thread of its own when there is more than one.
    firsts = {seed for _, seed, _ in seen if (seed - 1) % solve._SEED_STRIDE == 0}
    assert firsts == {1 + solve._SEED_STRIDE * k for k in range(parallel)}
    assert len({name for name, _, _ in seen}) == parallel
    assert out["distance_m"] == min(d for _, _, d in seen if d is not None)


def test_no_more_searches_than_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(solve, "_PARALLEL", 2)
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0}, raising=False)
    obj = _city(20, seed=2)
    out = plan(load_instance(json.dumps(obj)), time_limit_s=0.3)
    check(obj, out)
    assert out["stats"]["searches"] == 1


@pytest.mark.parametrize("threads", [1, 2])
def test_the_caller_chooses_how_many_searches_run_at_once(
    monkeypatch: pytest.MonkeyPatch, threads: int
) -> None:
    # An operator who keeps a core free asks for one search, whatever the engine's default and the cores.
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0, 1, 2, 3}, raising=False)
    monkeypatch.setattr(solve, "_STALL_MIN", 20)
    monkeypatch.setattr(solve, "_STALL_PER_STOP", 0)
    names: set[str] = set()
    search = solve._search

    def recorded(model: Any, deadline: solve._Deadline, *, seed: int, initial: Any) -> Any:
        names.add(threading.current_thread().name)
        return search(model, deadline, seed=seed, initial=initial)

    monkeypatch.setattr(solve, "_search", recorded)
    obj = _city(40, seed=5)
    out = plan(load_instance(json.dumps(obj)), time_limit_s=0.6, threads=threads)
    check(obj, out)
    assert out["stats"]["searches"] == threads and len(names) == threads


def test_threads_below_one_are_refused() -> None:
    with pytest.raises(ValueError, match="threads"):
        plan(load_instance(json.dumps(_city(5, seed=1))), time_limit_s=0.1, threads=0)
