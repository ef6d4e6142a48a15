"""A starting plan for the search: seeded parallel insertion with regret, aware of windows.

PyVRP's iterated local search starts, unless told otherwise, from a random plan improved by one
local search. On 200-stop instances with windows where that search settles depends on the start
(bench/routing.py): started from a good plan it settles lower. This builds such a plan in a few
tens of milliseconds:

1. **Seeds** (Potvin and Rousseau's parallel insertion): up to one route per vehicle is opened with
   the stop farthest from its depot and from the seeds already chosen, among those that vehicle can
   serve alone; a stop with a tight window is preferred as a seed (it is the hardest to place later).
2. **Regret insertion**: while stops are left, every stop's cheapest feasible place in every route is
   known (Solomon's I1 cost: the added metres, ``mu`` x the edge removed, plus ``alpha`` x the time
   the next stop is pushed later, in metres at the average speed); the stop whose best place is the
   most better than its second best (the regret) is inserted first, so stops with few good places go
   before the places are taken.
3. A place is feasible when every window, the vehicle's shift and capacity still hold (the latest
   start at each stop is kept, so a check is constant time); the chosen insertion is recomputed with
   :func:`.problem.schedule` (duration limits, pickups on board), and refused if that finds a breach.

Stops locked to a vehicle go only to it; stops in a pickup-and-delivery pair are left to the search
(they are few). A stop no route can take stays out: the search inserts it, or explains it.

Variants (``variant`` > 0) change ``alpha``/``mu`` and add a little seeded noise to the costs, so the
independent restarts of :mod:`.solve` start from different good plans.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from mutualaid.deliveries.routing.problem import UNLIMITED, Problem, schedule

# Solomon's I1 weights (mu x the removed edge, alpha x the push in metres): the first is the plain
# cheapest insertion; later variants weigh time more, as Solomon's best settings for windows do.
_VARIANTS: tuple[tuple[float, float], ...] = ((1.0, 0.0), (1.0, 0.5), (1.0, 1.0), (0.5, 0.5))
_NOISE = 0.08
_NEVER = np.inf


@dataclass
class _Route:
    vehicle: int
    stops: list[int]
    delivered: int = 0
    picked: int = 0
    # Per path position (start depot, stops, end depot): point, earliest service start, latest start.
    points: np.ndarray | None = None
    depart: np.ndarray | None = None  # earliest departure from each position (start + service)
    latest: np.ndarray | None = None  # latest arrival at each position that keeps the rest feasible


def _refresh(problem: Problem, route: _Route) -> None:
    v = route.vehicle
    sec = problem.seconds
    points = [problem.v_start[v], *(problem.point(s) for s in route.stops), problem.v_end[v]]
    n = len(points)
    depart = np.empty(n, dtype=np.int64)
    latest = np.empty(n, dtype=np.int64)
    t = problem.v_early[v]
    depart[0] = t
    for k, s in enumerate(route.stops, start=1):
        begin = max(t + int(sec[points[k - 1], points[k]]), problem.s_early[s])
        t = begin + problem.s_service[s]
        depart[k] = t
    depart[n - 1] = t + int(sec[points[n - 2], points[n - 1]])
    latest[n - 1] = problem.v_late[v]
    for k in range(n - 2, 0, -1):
        s = route.stops[k - 1]
        latest[k] = min(
            problem.s_late[s], int(latest[k + 1]) - int(sec[points[k], points[k + 1]]) - problem.s_service[s]
        )
    latest[0] = int(latest[1]) - int(sec[points[0], points[1]]) if n > 1 else problem.v_late[v]
    route.points = np.asarray(points, dtype=np.int64)
    route.depart = depart
    route.latest = latest


def construct(
    problem: Problem, stops: Sequence[int], vehicles: Sequence[int], *, variant: int = 0
) -> dict[int, list[int]]:
    """Routes (vehicle -> stop indices in order) serving as many of ``stops`` as this builds feasibly.

    Every route returned keeps every limit (:func:`.problem.schedule` finds no violation); each stop is
    in at most one route; stops it could not place are simply absent.
    """
    mu, alpha = _VARIANTS[variant % len(_VARIANTS)]
    rng = random.Random(variant)
    noise = _NOISE if variant else 0.0
    paired = {s for s in stops if problem.s_deliver_to[s] is not None or problem.s_source[s] is not None}
    todo = [s for s in stops if s not in paired]
    vehicles = sorted(v for v in vehicles if problem.v_early[v] <= problem.v_late[v])
    if not todo or not vehicles:
        return {}
    met, sec = problem.metres, problem.seconds
    mean_speed = float(met.mean()) / max(float(sec.mean()), 1.0)  # metres per second of driving
    # Stop arrays, indexed by position in ``todo``.
    pts = np.array([problem.point(s) for s in todo], dtype=np.int64)
    early = np.array([problem.s_early[s] for s in todo], dtype=np.int64)
    late = np.array([min(problem.s_late[s], UNLIMITED) for s in todo], dtype=np.int64)
    service = np.array([problem.s_service[s] for s in todo], dtype=np.int64)
    demand = np.array([problem.s_demand[s] for s in todo], dtype=np.int64)
    pickup = np.array([problem.s_pickup[s] for s in todo], dtype=np.int64)
    max_leg = np.array([problem.s_max_leg[s] for s in todo], dtype=np.int64)
    lock = [problem.s_vehicle[s] for s in todo]
    n, m = len(todo), len(vehicles)
    allowed = np.ones((n, m), dtype=bool)
    for i, owner in enumerate(lock):
        if owner is not None:
            allowed[i] = [v == owner for v in vehicles]
    for j, v in enumerate(vehicles):
        allowed[:, j] &= (demand <= problem.v_capacity[v]) & (pickup <= problem.v_capacity[v])
    left = np.ones(n, dtype=bool)
    routes = [_Route(vehicle=v, stops=[]) for v in vehicles]
    for route in routes:
        _refresh(problem, route)
    refused = np.zeros((n, m), dtype=bool)  # insertions the full recomputation turned down
    cost = np.full((n, m), _NEVER)
    place = np.zeros((n, m), dtype=np.int64)
    jitter = 1.0 + noise * np.array([rng.random() for _ in range(n)]) if noise else None

    def evaluate(j: int) -> None:
        route = routes[j]
        v = route.vehicle
        assert route.points is not None and route.depart is not None and route.latest is not None
        rows = np.flatnonzero(left & allowed[:, j] & ~refused[:, j])
        cost[:, j] = _NEVER
        if rows.size == 0:
            return
        cap = problem.v_capacity[v]
        rows = rows[(route.delivered + demand[rows] <= cap) & (route.picked + pickup[rows] <= cap)]
        if rows.size == 0:
            return
        prev, nxt = route.points[:-1], route.points[1:]
        u = pts[rows]
        to_u = sec[np.ix_(prev, u)].T  # (rows, places)
        from_u = sec[np.ix_(u, nxt)]
        arrive = np.maximum(early[rows, None], route.depart[None, :-1] + to_u)
        at_next = arrive + service[rows, None] + from_u
        ok = (arrive <= late[rows, None]) & (at_next <= route.latest[None, 1:])
        ok &= to_u <= max_leg[rows, None]
        if len(route.stops):
            next_leg = np.array([problem.s_max_leg[s] for s in route.stops] + [UNLIMITED], dtype=np.int64)
            ok &= from_u <= next_leg[None, :]
        added = met[np.ix_(prev, u)].T + met[np.ix_(u, nxt)] - mu * met[prev, nxt][None, :]
        if alpha:
            old_next = route.depart[1:] - np.append([problem.s_service[s] for s in route.stops], 0).astype(
                np.int64
            )
            push = np.maximum(at_next - np.maximum(old_next, 0), 0)
            added = added + alpha * mean_speed * push
        added = np.where(ok, added, _NEVER)
        best = np.argmin(added, axis=1)
        value = added[np.arange(rows.size), best]
        if jitter is not None:
            value = value * jitter[rows]
        cost[rows, j] = value
        place[rows, j] = best

    # Seeds: open routes with far, hard stops first.
    depot_far = np.array(
        [min(int(met[problem.v_start[v], p]) for v in vehicles) for p in pts], dtype=np.float64
    )
    tight = (late < UNLIMITED).astype(np.float64)
    spread = depot_far.copy()
    for j, route in enumerate(routes):
        candidates = np.flatnonzero(left & allowed[:, j])
        if candidates.size == 0:
            continue
        score = spread[candidates] * (1.0 + 0.25 * tight[candidates])
        for i in candidates[np.argsort(-score)][:8]:
            if _accept(problem, route, int(i), 0, todo, demand, pickup):
                left[i] = False
                spread = np.minimum(spread, met[pts[i], pts].astype(np.float64))
                break
    for j in range(m):
        evaluate(j)
    while left.any():
        rows = np.flatnonzero(left)
        sub = cost[rows]
        has = np.isfinite(sub).any(axis=1)
        if not has.any():
            break
        rows, sub = rows[has], sub[has]
        first = sub.min(axis=1)
        second = np.partition(sub, 1, axis=1)[:, 1] if m > 1 else np.full(rows.size, _NEVER)
        # A stop with a single possible route has infinite regret: it goes first, the cheapest of them.
        regret = np.where(np.isfinite(second), second - first, 1e18 - first)
        pick = int(np.argmax(regret))
        i = int(rows[pick])
        j = int(np.argmin(cost[i]))
        if _accept(problem, routes[j], i, int(place[i, j]), todo, demand, pickup):
            left[i] = False
            evaluate(j)
        else:
            refused[i, j] = True
            cost[i, j] = _NEVER
    return {route.vehicle: route.stops for route in routes if route.stops}


def _accept(
    problem: Problem,
    route: _Route,
    i: int,
    position: int,
    todo: Sequence[int],
    demand: np.ndarray,
    pickup: np.ndarray,
) -> bool:
    """Insert ``todo[i]`` at ``position`` if the recomputed route keeps every limit."""
    trial = [*route.stops[:position], todo[i], *route.stops[position:]]
    if schedule(problem, route.vehicle, trial).violation:
        return False
    route.stops = trial
    route.delivered += int(demand[i])
    route.picked += int(pickup[i])
    _refresh(problem, route)
    return True


def distance(problem: Problem, routes: dict[int, list[int]]) -> int:
    return sum(schedule(problem, v, stops).distance for v, stops in routes.items())
