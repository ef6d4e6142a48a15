"""Solving with PyVRP: serve as many stops as possible, then the shortest total distance.

1. Stops no vehicle could serve alone are set aside with their reason (:mod:`.explain`).
2. If the fleet's capacity could carry every remaining stop, PyVRP solves with every stop
   required: independent searches from different seeds, one per core up to ``threads`` (the caller's,
   ``_PARALLEL`` by default), in
   threads of this process (PyVRP's local search, where the time goes, releases the GIL), and the
   shortest plan wins. If none finds a feasible plan within 40 % of the time limit, or the fleet is
   too small, it solves the prize-collecting form for the remaining time (one search): each stop
   carries a prize larger than any plan's total distance, so serving one more stop always beats any
   saving in distance.
3. Every route is recomputed from the integers (:func:`.problem.schedule`); a route that breaks a
   limit (the solver's best may, rarely, be infeasible) loses stops until it keeps them all.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from pyvrp import (
    Activity,
    ActivityType,
    Client,
    Depot,
    Location,
    PenaltyParams,
    ProblemData,
    Result,
    Route,
    Shipment,
    Solution,
    SolveParams,
    VehicleType,
)
from pyvrp import solve as pyvrp_solve
from pyvrp.IteratedLocalSearch import IteratedLocalSearchParams
from pyvrp.search import NeighbourhoodParams, PerturbationParams

from mutualaid.deliveries.routing.explain import (
    NO_ROOM,
    PAIR_PARTNER,
    distinct_vehicles,
    pair_unreachable,
    unreachable,
)
from mutualaid.deliveries.routing.problem import UNLIMITED, Problem, Schedule, schedule

_INFEASIBLE_COST = 2**62
_REQUIRED_SHARE = 0.4
# A search that found no better plan in this many iterations (at least; more for larger instances,
# _STALL_PER_STOP per stop) has settled: the time left goes to an independent search from another
# seed, and the shortest plan wins. Measured on 200-stop instances with windows: a search settles
# after a few thousand iterations and where it settles varies with the seed by 1-3 %, while running
# it three times as long does not move it (bench/routing.py --ceiling).
_STALL_MIN = 1500
_STALL_PER_STOP = 8
# A new start needs at least this share of the limit to settle anywhere useful.
_MIN_START_SHARE = 0.1
# A stall that leaves less than that share for a new start does not stop the search: it runs to the limit
# (a settled search may still improve; stopping there left up to a tenth of the limit unused).
# False restores the stop at every stall (bench/routing.py --before compares both in one run).
_RUN_LAST_TO_LIMIT = True
# PyVRP's defaults are made for long runs (150,000 iterations and more): penalties start at 50,000 per
# unit of excess load and per second of lateness and move by x0.9 / x1.5 only every 500 solutions, so in
# the 1,000-15,000 iterations a 10 s plan gets they stay hundreds of times above the instance's scale and
# the search almost never crosses an infeasible plan to reach a better one: on tight instances (windows,
# capacity with 10 % slack) it settles early. Here the penalties start from the data (metres per unit of
# load, metres per second) and adapt every _PENALTY_UPDATES solutions toward PyVRP's 65 % feasible target,
# and the late-acceptance history is shorter, so the search converges within the budget
# (bench/routing.py; docs/deliveries.md). TUNED = False restores PyVRP's defaults (the bench compares both).
TUNED = True
_PENALTY_UPDATES = 50
_HISTORY = 100
_TARGET_FEASIBLE = 0.65
# The granular neighbourhood (each stop's nearest stops by distance, waiting and time warp) and the
# perturbation's size: PyVRP's defaults.
_NEIGHBOURS = 50
_WAIT_WEIGHT = 0.2
_MAX_PERTURBATIONS = 25
# Independent searches at once with every stop required, each in its own thread with its own seeds (the
# first from the instance's seed, the next from that seed + _SEED_STRIDE, ...), at most one per core this
# process may run on. The others join when the first search has settled once (its first stall), for the
# rest of the limit: a search still improving (1,000 stops) keeps the machine to itself, and the first
# feasible plan comes as fast as from one search. The limit is wall time, so on two cores the second search
# costs the first nothing; settled starts differ by 1-3 %. PyVRP's local search (about 93 % of a search's
# CPU at 200 stops) runs without the GIL. 1 = one search, in the calling thread (bench/routing.py --before
# '{"_PARALLEL": 1}' compares both in one run). The default only: callers pass ``threads`` (the server the
# operator's MUTUALAID_ROUTE_THREADS, `mutualaid route` its --threads), e.g. 1 to keep a core free.
_PARALLEL = 2
_SEED_STRIDE = 1000
# The clock the time limit is counted on: wall time. bench/routing.py --cpu counts it on each thread's CPU
# time instead, so that settings compare at an equal CPU budget on a shared machine.
CLOCK: Callable[[], float] = time.perf_counter


@dataclass
class Plan:
    """Routes as stop indices per vehicle index, with the reason for every stop left out."""

    routes: dict[int, list[int]]
    unserved: dict[int, str]
    schedules: dict[int, Schedule] = field(default_factory=dict)
    stats: dict[str, Any] = field(default_factory=dict)


class _Deadline:
    """PyVRP stopping criterion: the time limit, an early give-up while nothing is feasible, or a stall.

    ``stall``: stop once this many iterations in a row found no better feasible plan (the caller then
    starts an independent search with the time left), but only while more than ``keep`` seconds are left.
    """

    def __init__(
        self,
        limit: float,
        give_up_after: float | None,
        stall: int | None = None,
        *,
        since: tuple[float, float] | None = None,
        keep: float = 0.0,
    ) -> None:
        self.started = CLOCK()
        self.cpu_started = time.process_time()
        # The first feasible plan is timed from ``since`` (wall, CPU), the solve's start, when given.
        self.since = since or (time.perf_counter(), self.cpu_started)
        self.first_feasible_cpu: float | None = None
        self.limit = limit
        self.give_up_after = give_up_after
        self.first_feasible: float | None = None
        self.gave_up = False
        self.stall = stall
        self.keep = keep
        self.stalled = False
        self.best = float(_INFEASIBLE_COST)
        self.since_best = 0

    def __call__(self, best_cost: float) -> bool:
        elapsed = CLOCK() - self.started
        if best_cost < _INFEASIBLE_COST and self.first_feasible is None:
            self.first_feasible = time.perf_counter() - self.since[0]
            self.first_feasible_cpu = time.process_time() - self.since[1]
        if best_cost < self.best:
            self.best, self.since_best = best_cost, 0
        else:
            self.since_best += 1
        if elapsed >= self.limit:
            return True
        if self.give_up_after is not None and best_cost >= _INFEASIBLE_COST and elapsed >= self.give_up_after:
            self.gave_up = True
            return True
        if (
            self.stall is not None
            and best_cost < _INFEASIBLE_COST
            and self.since_best >= self.stall
            and self.limit - elapsed > self.keep
        ):
            self.stalled = True
            return True
        return False


@dataclass(frozen=True)
class _Model:
    data: ProblemData
    stops: list[int]  # location (less the depots) -> stop index
    clients: list[int]  # client index -> stop index
    shipments: list[tuple[int, int]]  # shipment index -> (pickup stop, delivery stop)
    type_vehicles: list[list[int]]  # vehicle type -> vehicle indices
    vehicle_type: dict[int, int]
    # Starting penalties on the instance's scale: per unit of excess load, per second late, per metre over.
    penalties: tuple[list[float], float, float] = ([1.0], 1.0, 1.0)


def _build(problem: Problem, stops: list[int], *, required: bool) -> _Model:
    n_depots = problem.n_depots
    inst = problem.instance
    points = [*range(n_depots), *(problem.point(s) for s in stops)]
    metres = np.ascontiguousarray(problem.metres[np.ix_(points, points)])
    seconds = np.ascontiguousarray(problem.seconds[np.ix_(points, points)])
    locations = [Location(x=d.lon, y=d.lat) for d in inst.depots]
    locations += [Location(x=inst.stops[s].lon, y=inst.stops[s].lat) for s in stops]
    longest = int(metres.max()) if metres.size else 0
    penalties = _scaled_penalties(problem, stops, metres, seconds)
    prize = (len(stops) + 2 * len(problem.v_capacity) + 1) * max(longest, 1)
    blocked = prize * (len(stops) + 1) * 4
    # A leg longer than the stop's maximum costs more than all the prizes together, like a lock.
    for k, s in enumerate(stops):
        limit = problem.s_max_leg[s]
        if limit < UNLIMITED:
            column = n_depots + k
            metres[seconds[:, column] > limit, column] = blocked
            metres[column, column] = 0
    where = {s: k for k, s in enumerate(stops)}
    paired = [(s, t) for s in stops if (t := problem.s_deliver_to[s]) is not None and t in where]
    in_pair = {s for pair in paired for s in pair}
    client_stops = [s for s in stops if s not in in_pair]
    shipments = [
        Shipment(
            pickup_location=n_depots + where[p],
            delivery_location=n_depots + where[d],
            pickup_tw_early=problem.s_early[p],
            pickup_tw_late=min(problem.s_late[p], UNLIMITED),
            pickup_service_duration=problem.s_service[p],
            delivery_tw_early=problem.s_early[d],
            delivery_tw_late=min(problem.s_late[d], UNLIMITED),
            delivery_service_duration=problem.s_service[d],
            amount=[problem.s_pickup[p]],
            prize=0 if required else 2 * prize,
            required=required,
            name=f"{inst.stops[p].id}>{inst.stops[d].id}",
        )
        for p, d in paired
    ]
    clients = [
        Client(
            location=n_depots + where[s],
            delivery=[problem.s_demand[s]],
            pickup=[problem.s_pickup[s]],
            service_duration=problem.s_service[s],
            tw_early=problem.s_early[s],
            tw_late=min(problem.s_late[s], UNLIMITED),
            prize=0 if required else prize,
            required=required,
            name=inst.stops[s].id,
        )
        for s in client_stops
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
    data = ProblemData(
        locations, clients, depots, vehicle_types, distance_matrices, duration_matrices, shipments=shipments
    )
    return _Model(
        data=data,
        stops=stops,
        clients=client_stops,
        shipments=paired,
        type_vehicles=type_vehicles,
        vehicle_type=vehicle_type,
        penalties=penalties,
    )


def _scaled_penalties(
    problem: Problem, stops: list[int], metres: Any, seconds: Any
) -> tuple[list[float], float, float]:
    """Penalties of the instance's own scale (before any lock or leg limit inflates the matrix): a unit
    of excess load costs what an average leg per average unit does, a second late what a second of
    driving covers, a metre over a metre. Within PyVRP's own bounds."""
    mean_leg = float(metres.mean()) if metres.size else 1.0
    mean_time = float(seconds.mean()) if seconds.size else 1.0
    sizes = [max(problem.s_demand[s], problem.s_pickup[s]) for s in stops]
    mean_size = sum(sizes) / len(sizes) if sizes else 1.0
    bounds = PenaltyParams()

    def clip(value: float) -> float:
        return min(max(value, bounds.min_penalty), bounds.max_penalty)

    return ([clip(max(mean_leg, 1.0) / max(mean_size, 1.0))], clip(mean_leg / max(mean_time, 1.0)), 1.0)


@dataclass
class _ScaledPenaltyParams(PenaltyParams):
    """PyVRP's penalty parameters, starting from given penalties rather than the midpoint of the bounds."""

    initial: tuple[list[float], float, float] = field(default_factory=lambda: ([1.0], 1.0, 1.0))

    def midpoint_penalties(self, data: ProblemData) -> tuple[list[float], float, float]:
        load, duration, distance = self.initial
        return ([load[0]] * data.num_load_dimensions, duration, distance)


def _params(model: _Model) -> SolveParams:
    if not TUNED:
        return SolveParams()
    return SolveParams(
        ils=IteratedLocalSearchParams(history_length=_HISTORY),
        penalty=_ScaledPenaltyParams(
            solutions_between_updates=_PENALTY_UPDATES,
            target_feasible=_TARGET_FEASIBLE,
            initial=model.penalties,
        ),
        neighbourhood=NeighbourhoodParams(weight_wait_time=_WAIT_WEIGHT, num_neighbours=_NEIGHBOURS),
        perturbation=PerturbationParams(max_perturbations=_MAX_PERTURBATIONS),
    )


def _search(model: _Model, deadline: _Deadline, *, seed: int, initial: Solution | None) -> Result:
    """One PyVRP search of the model until the deadline, from `initial` when there is one."""
    return pyvrp_solve(
        model.data,
        deadline,
        seed=seed,
        collect_stats=False,
        display=False,
        params=_params(model),
        initial_solution=initial,
    )


def _stop_of(model: _Model, activity: Activity) -> int | None:
    if activity.is_client():
        return model.clients[activity.idx]
    if activity.is_pickup():
        return model.shipments[activity.idx][0]
    if activity.is_delivery():
        return model.shipments[activity.idx][1]
    return None


def _routes(model: _Model, solution: Solution) -> dict[int, list[int]]:
    free = [list(members) for members in model.type_vehicles]
    routes: dict[int, list[int]] = {}
    for route in solution.routes():
        visits = [s for a in route if (s := _stop_of(model, a)) is not None]
        if visits:
            routes[free[route.vehicle_type()].pop(0)] = visits
    return routes


def _initial(model: _Model, hint: Mapping[int, Sequence[int]]) -> Solution | None:
    activity: dict[int, Activity] = {s: Activity(ActivityType.CLIENT, k) for k, s in enumerate(model.clients)}
    partner: dict[int, int] = {}
    for k, (p, d) in enumerate(model.shipments):
        activity[p] = Activity(ActivityType.PICKUP, k)
        activity[d] = Activity(ActivityType.DELIVERY, k)
        partner[p], partner[d] = d, p
    pickups = {p for p, _ in model.shipments}
    routes = []
    used: set[int] = set()
    for vehicle, stops in hint.items():
        if vehicle not in model.vehicle_type:
            continue
        order = [s for s in stops if s in activity and s not in used]
        place = {s: k for k, s in enumerate(order)}
        # A pair starts warm only when the previous route holds both, pickup first.
        order = [
            s
            for s in order
            if s not in partner or (partner[s] in place and (place[s] < place[partner[s]]) == (s in pickups))
        ]
        used.update(order)
        if order:
            routes.append(Route(model.data, [activity[s] for s in order], model.vehicle_type[vehicle]))
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
    threads: int | None = None,
) -> Plan:
    """Plan the routes of ``problem`` within the time limit (the instance's unless given), with at most
    ``threads`` searches at once (``_PARALLEL`` unless given; never more than the cores at hand)."""
    if threads is not None and threads < 1:
        raise ValueError(f"threads must be at least 1, not {threads}")
    started = time.perf_counter()
    since = (started, time.process_time())
    clock = CLOCK()
    params = problem.instance.params
    limit = params.time_limit_s if time_limit_s is None else time_limit_s
    seed = params.seed if seed is None else seed
    unserved: dict[int, str] = {}
    candidates: list[int] = []
    alike = distinct_vehicles(problem)
    for s in range(len(problem.s_demand)):
        reason = unreachable(problem, s, alike)
        if reason is None:
            reason = pair_unreachable(problem, s, alike)
        if reason is None:
            candidates.append(s)
        else:
            unserved[s] = reason
    # A pickup and its named delivery are served together or not at all.
    for s in list(candidates):
        partner = problem.s_deliver_to[s]
        if partner is None:
            partner = problem.s_source[s]
        if partner is not None and partner in unserved:
            candidates.remove(s)
            unserved[s] = PAIR_PARTNER
    stats: dict[str, Any] = {"solver": "pyvrp", "candidates": len(candidates)}
    routes: dict[int, list[int]] = {}
    if candidates:
        parallel = _PARALLEL if threads is None else threads
        routes = _solve_candidates(problem, candidates, limit, seed, hint, stats, since, clock, parallel)
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
    since: tuple[float, float],
    started: float,
    parallel: int,
) -> dict[int, list[int]]:
    """The routes of ``candidates``; ``since`` is the solve's start (wall, CPU), from which the time to the
    first feasible plan counts, and ``started`` the same on CLOCK, from which the limit counts."""
    fleet = sum(problem.v_capacity)
    demand = max(sum(problem.s_demand[s] for s in candidates), sum(problem.s_pickup[s] for s in candidates))
    if hint is None and demand <= fleet:
        model = _build(problem, candidates, required=True)
        stall = max(_STALL_MIN, _STALL_PER_STOP * len(candidates))
        budget = limit - (CLOCK() - started)
        searches = _searches(parallel)
        if searches == 1:
            outcomes = [_required_search(model, budget, limit, seed, stall, since)]
        else:
            with ThreadPoolExecutor(max_workers=searches - 1, thread_name_prefix="routing") as pool:
                joined: list[Future[_Outcome]] = []

                def join(left: float) -> None:
                    # The first search has settled once: the other cores join for the rest of the limit,
                    # each from its own seeds. A search still improving at the limit (1,000 stops) never
                    # shares the machine with a second one.
                    joined.extend(
                        pool.submit(
                            _required_search, model, left, limit, seed + k * _SEED_STRIDE, stall, since
                        )
                        for k in range(1, searches)
                    )

                outcomes = [_required_search(model, budget, limit, seed, stall, since, settled=join)]
                outcomes += [future.result() for future in joined]
        stats["iterations"] = sum(o.iterations for o in outcomes)
        plans = [(o.distance, o.best) for o in outcomes if o.best is not None]
        if plans:
            found = [o for o in outcomes if o.best is not None]
            stats["mode"] = "all stops required"
            stats["first_feasible_s"] = _round(_least(o.first_feasible for o in found))
            stats["first_feasible_cpu_s"] = _round(_least(o.first_feasible_cpu for o in found))
            stats["starts"] = sum(o.starts for o in outcomes)
            stats["searches"] = len(outcomes)
            # Each search's shortest plan, the first search's first: that one alone is the plan on one core.
            stats["search_distances"] = [o.distance if o.best is not None else None for o in outcomes]
            return _routes(model, min(plans, key=lambda plan: plan[0])[1])
    model = _build(problem, candidates, required=False)
    remaining = max(limit - (CLOCK() - started), 0.1 * limit)
    initial = None if hint is None else _initial(model, hint)
    deadline = _Deadline(remaining, None, since=since)
    result = _search(model, deadline, seed=seed, initial=initial)
    stats["mode"] = "as many stops as possible"
    stats["iterations"] = stats.get("iterations", 0) + result.num_iterations
    stats["first_feasible_s"] = _round(deadline.first_feasible)
    stats["first_feasible_cpu_s"] = _round(deadline.first_feasible_cpu)
    return _routes(model, result.best)


def _searches(parallel: int) -> int:
    """How many required-stop searches run at once: ``parallel``, but no more than the cores at hand."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(parallel, cores))


@dataclass
class _Outcome:
    """One required-stop search (its first start and the restarts after each stall)."""

    best: Solution | None
    distance: int
    iterations: int
    starts: int
    first_feasible: float | None
    first_feasible_cpu: float | None


def _required_search(
    model: _Model,
    budget: float,
    limit: float,
    seed: int,
    stall: int,
    since: tuple[float, float],
    *,
    settled: Callable[[float], None] | None = None,
) -> _Outcome:
    """Search with every stop required for ``budget`` seconds (on CLOCK, from this call, in this thread):
    give up when nothing is feasible after ``_REQUIRED_SHARE`` of ``limit``; after a stall, start again
    from the next seed while a new start has time to settle, keeping the shortest plan. ``settled`` is
    told the seconds left at the first such stall."""
    started = CLOCK()
    keep = _MIN_START_SHARE * limit if _RUN_LAST_TO_LIMIT else 0.0
    deadline = _Deadline(budget, limit * _REQUIRED_SHARE, stall, since=since, keep=keep)
    result = _search(model, deadline, seed=seed, initial=None)
    outcome = _Outcome(
        best=None,
        distance=_INFEASIBLE_COST,
        iterations=result.num_iterations,
        starts=1,
        first_feasible=deadline.first_feasible,
        first_feasible_cpu=deadline.first_feasible_cpu,
    )
    if not result.is_feasible():
        return outcome
    best = result.best
    # Independent starts (other seeds) while time is left: a settled search gains nothing from more time,
    # another start often settles lower.
    while deadline.stalled and budget - (CLOCK() - started) > _MIN_START_SHARE * limit:
        if settled is not None:
            settled(budget - (CLOCK() - started))
            settled = None
        deadline = _Deadline(budget - (CLOCK() - started), None, stall, keep=keep)
        again = _search(model, deadline, seed=seed + outcome.starts, initial=None)
        outcome.starts += 1
        outcome.iterations += again.num_iterations
        if again.is_feasible() and again.best.distance() < best.distance():
            best = again.best
    outcome.best, outcome.distance = best, best.distance()
    return outcome


def _least(values: Iterable[float | None]) -> float | None:
    return min((v for v in values if v is not None), default=None)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)
