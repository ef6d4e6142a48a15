"""The construction heuristic that gives the search its start (routing/construct.py).

Its routes are checked by the independent checker of the format, and the planner is never worse than
the start it was given.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyvrp import solve as pyvrp_solve

from mutualaid.deliveries.routing import Plan, build_problem, load_instance, plan_output
from mutualaid.deliveries.routing import solve as solve_module
from mutualaid.deliveries.routing.construct import construct, distance
from mutualaid.deliveries.routing.explain import NO_ROOM
from mutualaid.deliveries.routing.problem import Problem, schedule
from tests.deliveries.routing_check import check
from tests.deliveries.test_routing_engine import instances

pytestmark = pytest.mark.pure


def city(n_stops: int, n_vehicles: int, *, windows: bool, seed: int) -> dict[str, Any]:
    """The bench's generated city (bench/routing.py): clustered households, mixed capacities."""
    bench = str(Path(__file__).resolve().parents[2] / "bench")
    if bench not in sys.path:
        sys.path.insert(0, bench)
    from routing import city as generated  # type: ignore[import-not-found]  # bench/ is not a package

    result: dict[str, Any] = generated(n_stops, n_vehicles, windows=windows, seed=seed)
    return result


def _problem(obj: dict[str, Any]) -> Problem:
    return build_problem(load_instance(json.dumps(obj)))


def _as_output(problem: Problem, routes: dict[int, list[int]]) -> dict[str, Any]:
    """The constructed routes as the format's output, every stop left out named, for the checker."""
    served = {s for stops in routes.values() for s in stops}
    plan = Plan(
        routes=routes,
        unserved={s: NO_ROOM for s in range(len(problem.s_demand)) if s not in served},
        schedules={v: schedule(problem, v, stops) for v, stops in routes.items()},
    )
    return plan_output(problem, plan)


def _everything(problem: Problem, variant: int = 0) -> dict[int, list[int]]:
    return construct(
        problem, list(range(len(problem.s_demand))), list(range(len(problem.v_capacity))), variant=variant
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(), st.integers(0, 5), st.data())
def test_constructed_routes_keep_capacity_windows_and_visit_each_stop_once(
    obj: dict[str, Any], variant: int, data: st.DataObject
) -> None:
    # Some stops locked to a vehicle, some with something to pick up as well.
    for stop in obj["stops"]:
        if obj["vehicles"] and data.draw(st.integers(0, 5)) == 0:
            stop["vehicle"] = data.draw(st.sampled_from([v["id"] for v in obj["vehicles"]]))
        if data.draw(st.integers(0, 5)) == 0:
            stop["pickup"] = data.draw(st.integers(0, 6))
    problem = _problem(obj)
    routes = _everything(problem, variant)
    visits = [s for stops in routes.values() for s in stops]
    assert len(visits) == len(set(visits))
    for vehicle, stops in routes.items():
        assert stops
        assert all(problem.s_vehicle[s] in (None, vehicle) for s in stops)
        assert schedule(problem, vehicle, stops).violation == 0
    check(obj, _as_output(problem, routes))


def test_a_day_of_200_stops_with_windows_is_built_whole_and_feasible() -> None:
    obj = city(200, 10, windows=True, seed=7)
    problem = _problem(obj)
    for variant in range(4):
        routes = _everything(problem, variant)
        assert sum(len(stops) for stops in routes.values()) == 200
        check(obj, _as_output(problem, routes))


def test_a_stop_locked_to_a_vehicle_goes_to_it_and_a_pair_is_left_to_the_search() -> None:
    obj = city(30, 3, windows=False, seed=2)
    obj["stops"][4]["vehicle"] = "v2"
    obj["stops"][5]["pickup"] = 1
    obj["stops"][5]["demand"] = 0
    obj["stops"][6]["demand"] = 0
    obj["stops"][5]["deliver_to"] = "s6"
    problem = _problem(obj)
    routes = _everything(problem)
    assert 4 in routes[2]
    visits = {s for stops in routes.values() for s in stops}
    assert 5 not in visits and 6 not in visits
    assert len(visits) == 28


def test_no_vehicle_that_can_serve_builds_nothing() -> None:
    obj = city(10, 2, windows=False, seed=1)
    for vehicle in obj["vehicles"]:
        vehicle["capacity"] = 1
    for stop in obj["stops"]:
        stop["demand"] = 2
    assert _everything(_problem(obj)) == {}


def test_the_plan_is_never_worse_than_its_start(monkeypatch: pytest.MonkeyPatch) -> None:
    """Even a search that throws its start away returns the start, not worse."""
    obj = city(60, 4, windows=True, seed=5)
    problem = _problem(obj)
    start = distance(problem, _everything(problem))
    real = pyvrp_solve

    def careless(data: Any, stop: Any, **kwargs: Any) -> Any:
        """A search that ignores its start and answers a random plan."""
        from pyvrp import RandomNumberGenerator, Result, Solution, Statistics

        return Result(Solution.make_random(data, RandomNumberGenerator(seed=1)), Statistics(), 1, 0.0)

    monkeypatch.setattr(solve_module, "CONSTRUCT", True)
    monkeypatch.setattr(solve_module, "pyvrp_solve", careless)
    thrown = solve_module.solve_problem(problem, time_limit_s=1.0)
    assert not thrown.unserved
    assert thrown.stats.get("kept_start") is True
    assert distance(problem, thrown.routes) == start
    monkeypatch.setattr(solve_module, "pyvrp_solve", real)
    searched = solve_module.solve_problem(problem, time_limit_s=0.3)
    assert not searched.unserved
    assert distance(problem, searched.routes) <= start


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_a_planned_day_is_never_longer_than_the_constructed_start(obj: dict[str, Any]) -> None:
    problem = _problem(obj)
    built = _everything(problem)
    solve_module.CONSTRUCT = True
    try:
        result = solve_module.solve_problem(problem, time_limit_s=0.1)
    finally:
        solve_module.CONSTRUCT = False
    check(obj, plan_output(problem, result))
    if sum(len(stops) for stops in built.values()) == len(problem.s_demand):
        assert not result.unserved
        assert distance(problem, result.routes) <= distance(problem, built)
