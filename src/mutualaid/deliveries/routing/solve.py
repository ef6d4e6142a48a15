"""Solving with PyVRP: serve as many stops as possible, then the shortest total distance.

1. Stops no vehicle could serve alone are set aside with their reason (:mod:`.explain`).
2. If the fleet's capacity could carry every remaining stop, PyVRP solves with every stop
   required. If it finds no feasible plan within 40 % of the time limit, or the fleet is too
   small, it solves the prize-collecting form for the remaining time: each stop carries a prize
   larger than any plan's total distance, so serving one more stop always beats any saving in
   distance.
3. Every route is recomputed from the integers (:func:`.problem.schedule`); a route that breaks a
   limit (the solver's best may, rarely, be infeasible) loses stops until it keeps them all.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from pyvrp import Client, Depot, Location, ProblemData, Route, Solution, VehicleType
from pyvrp import solve as pyvrp_solve

from mutualaid.deliveries.routing.explain import NO_ROOM, distinct_vehicles, unreachable
from mutualaid.deliveries.routing.problem import UNLIMITED, Problem, Schedule, schedule

_INFEASIBLE_COST = 2**62
_REQUIRED_SHARE = 0.4
# Instances up to this many stops get _STARTS independent searches sharing the time limit.
_MULTI_START_MAX = 400
_STARTS = 2


@dataclass
class Plan:
    """Routes as stop indices per vehicle index, with the reason for every stop left out."""

    routes: dict[int, list[int]]
    unserved: dict[int, str]
    schedules: dict[int, Schedule] = field(default_factory=dict)
    stats: dict[str, Any] = field(default_factory=dict)


class _Deadline:
    """PyVRP stopping criterion: the time limit, or an early give-up while nothing is feasible."""

    def __init__(self, limit: float, give_up_after: float | None) -> None:
        self.started = time.perf_counter()
        self.cpu_started = time.process_time()
        self.first_feasible_cpu: float | None = None
        self.limit = limit
        self.give_up_after = give_up_after
        self.first_feasible: float | None = None
        self.gave_up = False

    def __call__(self, best_cost: float) -> bool:
        elapsed = time.perf_counter() - self.started
        if best_cost < _INFEASIBLE_COST and self.first_feasible is None:
            self.first_feasible = elapsed
            self.first_feasible_cpu = time.process_time() - self.cpu_started
        if elapsed >= self.limit:
            return True
        if self.give_up_after is not None and best_cost >= _INFEASIBLE_COST and elapsed >= self.give_up_after:
            self.gave_up = True
            return True
        return False


@dataclass(frozen=True)
class _Model:
    data: ProblemData
    stops: list[int]  # client index -> stop index
    type_vehicles: list[list[int]]  # vehicle type -> vehicle indices
    vehicle_type: dict[int, int]


def _build(problem: Problem, stops: list[int], *, required: bool) -> _Model:
    n_depots = problem.n_depots
    inst = problem.instance
    points = [*range(n_depots), *(problem.point(s) for s in stops)]
    metres = np.ascontiguousarray(problem.metres[np.ix_(points, points)])
    seconds = np.ascontiguousarray(problem.seconds[np.ix_(points, points)])
    locations = [Location(x=d.lon, y=d.lat) for d in inst.depots]
    locations += [Location(x=inst.stops[s].lon, y=inst.stops[s].lat) for s in stops]
    longest = int(metres.max()) if metres.size else 0
    prize = (len(stops) + 2 * len(problem.v_capacity) + 1) * max(longest, 1)
    blocked = prize * (len(stops) + 1) * 4
    # A leg longer than the stop's maximum costs more than all the prizes together, like a lock.
    for k, s in enumerate(stops):
        limit = problem.s_max_leg[s]
        if limit < UNLIMITED:
            column = n_depots + k
            metres[seconds[:, column] > limit, column] = blocked
            metres[column, column] = 0
    clients = [
        Client(
            location=n_depots + k,
            delivery=[problem.s_demand[s]],
            pickup=[problem.s_pickup[s]],
            service_duration=problem.s_service[s],
            tw_early=problem.s_early[s],
            tw_late=min(problem.s_late[s], UNLIMITED),
            prize=0 if required else prize,
            required=required,
            name=inst.stops[s].id,
        )
        for k, s in enumerate(stops)
    ]
    depots = [Depot(location=k, name=d.id) for k, d in enumerate(inst.depots)]
    # Locked stops: each vehicle with locks gets its own profile in which stops locked to any other
    # vehicle cost more than all the prizes together; unlocked vehicles share profile 0.
    locked_to = {k: problem.s_vehicle[s] for k, s in enumerate(stops) if problem.s_vehicle[s] is not None}
    lock_holders = sorted({v for v in locked_to.values() if v is not None})
    profile_of = {v: p + 1 for p, v in enumerate(lock_holders)}
    distance_matrices: list[Any] = []
    duration_matrices: list[Any] = []
    for profile in range(len(lock_holders) + 1):
        matrix = metres if profile == 0 and not locked_to else metres.copy()
        holder = None if profile == 0 else lock_holders[profile - 1]
        for k, v in locked_to.items():
            if v != holder:
                matrix[:, n_depots + k] = blocked
                matrix[n_depots + k, n_depots + k] = 0
        distance_matrices.append(matrix)
        duration_matrices.append(seconds)
    groups: dict[tuple[int, int, int, int, int, int, int], list[int]] = {}
    for v in range(len(problem.v_capacity)):
        if problem.v_early[v] > problem.v_late[v]:
            continue  # a shift shorter than a second between two whole seconds: it serves nothing
        key = (*problem.vehicle_kind(v), profile_of.get(v, 0))
        groups.setdefault(key, []).append(v)
    vehicle_types = []
    type_vehicles = []
    vehicle_type = {}
    for t, (key, members) in enumerate(groups.items()):
        start, end, capacity, early, late, max_duration, profile = key
        vehicle_types.append(
            VehicleType(
                num_available=len(members),
                capacity=[capacity],
                start_depot=start,
                end_depot=end,
                tw_early=early,
                tw_late=min(late, UNLIMITED),
                shift_duration=min(max_duration, UNLIMITED),
                profile=profile,
            )
        )
        type_vehicles.append(members)
        for v in members:
            vehicle_type[v] = t
    data = ProblemData(locations, clients, depots, vehicle_types, distance_matrices, duration_matrices)
    return _Model(data=data, stops=stops, type_vehicles=type_vehicles, vehicle_type=vehicle_type)


def _routes(model: _Model, solution: Solution) -> dict[int, list[int]]:
    free = [list(members) for members in model.type_vehicles]
    routes: dict[int, list[int]] = {}
    for route in solution.routes():
        visits = [model.stops[a.idx] for a in route if a.is_client()]
        if visits:
            routes[free[route.vehicle_type()].pop(0)] = visits
    return routes


def _initial(model: _Model, hint: Mapping[int, Sequence[int]]) -> Solution | None:
    client_of = {s: k for k, s in enumerate(model.stops)}
    routes = []
    used: set[int] = set()
    for vehicle, stops in hint.items():
        if vehicle not in model.vehicle_type:
            continue
        visits = [client_of[s] for s in stops if s in client_of and client_of[s] not in used]
        used.update(visits)
        if visits:
            routes.append(Route(model.data, visits, model.vehicle_type[vehicle]))
    counts: dict[int, int] = {}
    for route in routes:
        counts[route.vehicle_type()] = counts.get(route.vehicle_type(), 0) + 1
    if any(counts[t] > len(model.type_vehicles[t]) for t in counts):
        return None
    return Solution(model.data, routes)


def _repair(problem: Problem, vehicle: int, route: list[int]) -> tuple[list[int], list[int]]:
    """Drop stops from a route that breaks a limit until it keeps them all; (kept, dropped)."""
    dropped: list[int] = []
    while route and schedule(problem, vehicle, route).violation:
        best = min(
            range(len(route)),
            key=lambda k: (
                schedule(problem, vehicle, route[:k] + route[k + 1 :]).violation,
                schedule(problem, vehicle, route[:k] + route[k + 1 :]).distance,
            ),
        )
        dropped.append(route.pop(best))
    return route, dropped


def solve_problem(
    problem: Problem,
    *,
    time_limit_s: float | None = None,
    seed: int | None = None,
    hint: Mapping[int, Sequence[int]] | None = None,
) -> Plan:
    """Plan the routes of ``problem`` within the time limit (the instance's unless given)."""
    started = time.perf_counter()
    params = problem.instance.params
    limit = params.time_limit_s if time_limit_s is None else time_limit_s
    seed = params.seed if seed is None else seed
    unserved: dict[int, str] = {}
    candidates: list[int] = []
    alike = distinct_vehicles(problem)
    for s in range(len(problem.s_demand)):
        reason = unreachable(problem, s, alike)
        if reason is None:
            candidates.append(s)
        else:
            unserved[s] = reason
    stats: dict[str, Any] = {"solver": "pyvrp", "candidates": len(candidates)}
    routes: dict[int, list[int]] = {}
    if candidates:
        routes = _solve_candidates(problem, candidates, limit, seed, hint, stats, started)
    served = {s for stops in routes.values() for s in stops}
    for s in candidates:
        if s not in served:
            unserved[s] = NO_ROOM
    schedules = {}
    for vehicle, route in list(routes.items()):
        kept, dropped = _repair(problem, vehicle, list(route))
        for s in dropped:
            unserved[s] = NO_ROOM
        if kept:
            routes[vehicle] = kept
            schedules[vehicle] = schedule(problem, vehicle, kept)
        else:
            del routes[vehicle]
    stats["seconds"] = round(time.perf_counter() - started, 3)
    return Plan(routes=routes, unserved=unserved, schedules=schedules, stats=stats)


def _solve_candidates(
    problem: Problem,
    candidates: list[int],
    limit: float,
    seed: int,
    hint: Mapping[int, Sequence[int]] | None,
    stats: dict[str, Any],
    started: float,
) -> dict[int, list[int]]:
    fleet = sum(problem.v_capacity)
    demand = max(sum(problem.s_demand[s] for s in candidates), sum(problem.s_pickup[s] for s in candidates))
    if hint is None and demand <= fleet:
        model = _build(problem, candidates, required=True)
        starts = _STARTS if len(candidates) <= _MULTI_START_MAX else 1
        budget = (limit - (time.perf_counter() - started)) / starts
        deadline = _Deadline(budget, limit * _REQUIRED_SHARE)
        result = pyvrp_solve(model.data, deadline, seed=seed, collect_stats=False, display=False)
        stats["iterations"] = result.num_iterations
        if result.is_feasible():
            stats["mode"] = "all stops required"
            stats["first_feasible_s"] = _round(deadline.first_feasible)
            stats["first_feasible_cpu_s"] = _round(deadline.first_feasible_cpu)
            best = result.best
            for k in range(1, starts):
                # An independent start (another seed) for the rest of the time: on small instances
                # the search settles within seconds, and where it settles varies with the seed by
                # several per cent, more than continuing one search gains.
                budget = (limit - (time.perf_counter() - started)) / (starts - k)
                again = pyvrp_solve(
                    model.data, _Deadline(budget, None), seed=seed + k, collect_stats=False, display=False
                )
                stats["iterations"] += again.num_iterations
                if again.is_feasible() and again.best.distance() < best.distance():
                    best = again.best
            stats["starts"] = starts
            return _routes(model, best)
    model = _build(problem, candidates, required=False)
    remaining = max(limit - (time.perf_counter() - started), 0.1 * limit)
    initial = None if hint is None else _initial(model, hint)
    deadline = _Deadline(remaining, None)
    result = pyvrp_solve(
        model.data, deadline, seed=seed, collect_stats=False, display=False, initial_solution=initial
    )
    stats["mode"] = "as many stops as possible"
    stats["iterations"] = stats.get("iterations", 0) + result.num_iterations
    stats["first_feasible_s"] = _round(deadline.first_feasible)
    stats["first_feasible_cpu_s"] = _round(deadline.first_feasible_cpu)
    return _routes(model, result.best)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)
