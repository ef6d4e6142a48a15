"""The delivery planner: a pure module (no Django) with a public contract, ``docs/routing-instance.md``.

``plan(instance)`` turns a validated :class:`Instance` into the output object of the format;
``mutualaid route INSTANCE.json`` (:mod:`.command`) and the server's delivery runs both call it.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any

from mutualaid.deliveries.routing.explain import REASONS
from mutualaid.deliveries.routing.instance import Instance, InvalidInstance, load_instance, parse_instance
from mutualaid.deliveries.routing.problem import Problem, Travel, build_problem
from mutualaid.deliveries.routing.roads import RoadServerError, osrm_travel, road_travel, valhalla_travel
from mutualaid.deliveries.routing.solve import Plan, solve_problem

__all__ = [
    "REASONS",
    "Instance",
    "InvalidInstance",
    "Plan",
    "Problem",
    "RoadServerError",
    "Travel",
    "build_problem",
    "load_instance",
    "osrm_travel",
    "parse_instance",
    "plan",
    "plan_output",
    "road_travel",
    "valhalla_travel",
]


def plan(
    instance: Instance,
    *,
    time_limit_s: float | None = None,
    hint: Mapping[str, Sequence[str]] | None = None,
    travel: Travel | None = None,
    threads: int | None = None,
) -> dict[str, Any]:
    """Solve and return the output object (``routes``, ``unserved``, ``distance_m``, ``stats``).

    ``hint`` (vehicle id -> stop ids) is a previous plan to start from, for a quick re-plan.
    ``travel`` replaces the format's haversine matrices (a road-network server, :mod:`.roads`).
    ``threads``: searches at once (default 2, never more than the cores at hand; 1 keeps one search).
    """
    if threads is not None and threads < 1:
        raise ValueError(f"threads must be at least 1, not {threads}")
    started = time.perf_counter()
    matrix = "haversine" if travel is None else "road"
    try:
        problem = build_problem(instance, travel)
    except RoadServerError as error:  # the estimate of the format, rather than no plan
        problem = build_problem(instance)
        matrix = f"haversine ({error})"
    # The time limit covers the whole call: building the matrices comes out of the solver's share.
    limit = instance.params.time_limit_s if time_limit_s is None else time_limit_s
    limit = max(limit - (time.perf_counter() - started), 0.05 * limit)
    index_hint = None
    if hint is not None:
        vehicles = {v.id: k for k, v in enumerate(instance.vehicles)}
        stops = {s.id: k for k, s in enumerate(instance.stops)}
        index_hint = {
            vehicles[v]: [stops[s] for s in ids if s in stops] for v, ids in hint.items() if v in vehicles
        }
    result = solve_problem(problem, time_limit_s=limit, hint=index_hint, threads=threads)
    result.stats["matrix"] = matrix
    return plan_output(problem, result)


def plan_output(problem: Problem, result: Plan) -> dict[str, Any]:
    from mutualaid.deliveries.routing.instance import iso

    instance = problem.instance
    routes = []
    for vehicle in sorted(result.routes):
        stops = result.routes[vehicle]
        timing = result.schedules[vehicle]
        route: dict[str, Any] = {
            "vehicle": instance.vehicles[vehicle].id,
            "stops": [instance.stops[s].id for s in stops],
            "distance_m": timing.distance,
            "duration_s": timing.duration,
            "load": timing.load,
            "starts": [iso(problem.origin, t) for t in timing.starts],
        }
        if timing.picked_up:  # extension: goods picked up on the way, and the most ever on board
            route["picked_up"] = timing.picked_up
            route["peak_load"] = timing.peak
        routes.append(route)
    unserved = [
        {"stop": instance.stops[s].id, "reason": reason} for s, reason in sorted(result.unserved.items())
    ]
    return {
        "routes": routes,
        "unserved": unserved,
        "distance_m": sum(r["distance_m"] for r in routes),
        "stats": result.stats,
    }
