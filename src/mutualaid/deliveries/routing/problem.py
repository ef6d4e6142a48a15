"""The instance in integers: points, matrices, and per-vehicle / per-stop limits in seconds."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from mutualaid.deliveries.routing.distances import IntMatrix, matrices
from mutualaid.deliveries.routing.instance import Instance, seconds_after, time_origin

# "No limit" for a time or a duration; far beyond any real route, far inside int64.
UNLIMITED = 2**50

# Where the (metres, seconds) matrices come from: the format's haversine estimate unless a caller
# gives another source (a road-network server, :mod:`.roads`), called with the points (lat, lon).
Travel = Callable[[Sequence[tuple[float, float]]], tuple[IntMatrix, IntMatrix]]


@dataclass(frozen=True)
class Problem:
    """Points are the depots (``0..D-1``) then the stops (``D..D+N-1``)."""

    instance: Instance
    origin: datetime
    metres: IntMatrix
    seconds: IntMatrix
    v_start: list[int]
    v_end: list[int]
    v_capacity: list[int]
    v_early: list[int]
    v_late: list[int]
    v_max_duration: list[int]
    s_demand: list[int]
    s_service: list[int]
    s_early: list[int]
    s_late: list[int]
    s_vehicle: list[int | None]
    s_pickup: list[int]
    s_max_leg: list[int]
    # Extension ``deliver_to``: the stop where a pickup's goods are unloaded, and back from there.
    s_deliver_to: list[int | None]
    s_source: list[int | None]

    @property
    def n_depots(self) -> int:
        return len(self.instance.depots)

    def point(self, stop: int) -> int:
        return self.n_depots + stop

    def vehicle_kind(self, v: int) -> tuple[int, int, int, int, int, int]:
        """What makes vehicle ``v`` alike another: depot, end depot, capacity, shift and longest duty."""
        return (
            self.v_start[v],
            self.v_end[v],
            self.v_capacity[v],
            self.v_early[v],
            self.v_late[v],
            self.v_max_duration[v],
        )


def build_problem(instance: Instance, travel: Travel | None = None) -> Problem:
    """The integers of ``instance``; ``travel`` replaces the haversine matrices (an extension)."""
    params = instance.params
    points = [(d.lat, d.lon) for d in instance.depots] + [(s.lat, s.lon) for s in instance.stops]
    if travel is None:
        metres, seconds = matrices(points, params.circuity, params.speed_kmh)
    else:
        metres, seconds = travel(points)
    n_depots = len(instance.depots)
    longest = int(seconds[:n_depots, n_depots:].max()) if instance.stops and n_depots else 0
    origin = time_origin(instance, longest)
    depot_index = instance.depot_index()
    vehicle_index = {v.id: k for k, v in enumerate(instance.vehicles)}
    stop_index = {s.id: k for k, s in enumerate(instance.stops)}
    deliver_to = [None if s.deliver_to is None else stop_index[s.deliver_to] for s in instance.stops]
    source: list[int | None] = [None] * len(instance.stops)
    for k, target in enumerate(deliver_to):
        if target is not None:
            source[target] = k

    def start(moment: datetime | None) -> int:
        return 0 if moment is None else max(0, seconds_after(origin, moment, up=True))

    def end(moment: datetime | None) -> int:
        return UNLIMITED if moment is None else seconds_after(origin, moment, up=False)

    vehicles = instance.vehicles
    stops = instance.stops
    return Problem(
        instance=instance,
        origin=origin,
        metres=metres,
        seconds=seconds,
        v_start=[depot_index[v.depot] for v in vehicles],
        v_end=[depot_index[v.end_depot] for v in vehicles],
        v_capacity=[v.capacity for v in vehicles],
        v_early=[start(v.shift[0] if v.shift else None) for v in vehicles],
        v_late=[end(v.shift[1] if v.shift else None) for v in vehicles],
        v_max_duration=[UNLIMITED if v.max_duration_s is None else v.max_duration_s for v in vehicles],
        s_demand=[s.demand for s in stops],
        s_service=[s.service_s for s in stops],
        s_early=[start(s.window[0] if s.window else None) for s in stops],
        s_late=[end(s.window[1] if s.window else None) for s in stops],
        s_vehicle=[None if s.vehicle is None else vehicle_index[s.vehicle] for s in stops],
        s_pickup=[s.pickup for s in stops],
        s_max_leg=[UNLIMITED if s.max_leg_s is None else s.max_leg_s for s in stops],
        s_deliver_to=deliver_to,
        s_source=source,
    )


@dataclass(frozen=True)
class Schedule:
    """A route's timing with the least waiting: leave as late as still arriving as early."""

    depart: int
    starts: list[int]
    back: int
    distance: int
    load: int  # delivered (the format's ``load``)
    violation: int  # 0 when the route keeps every window, the shift, the duration, legs and capacity
    picked_up: int = 0
    peak: int = 0  # the most on board at any point (deliveries still aboard plus pickups so far)

    @property
    def duration(self) -> int:
        return self.back - self.depart


def schedule(problem: Problem, vehicle: int, route: list[int]) -> Schedule:
    """Recompute a route (stop indices in order) from the integers alone."""
    sec, met = problem.seconds, problem.metres
    path = [problem.v_start[vehicle], *(problem.point(s) for s in route), problem.v_end[vehicle]]
    distance = int(sum(int(met[a, b]) for a, b in itertools.pairwise(path)))
    load = sum(problem.s_demand[s] for s in route)
    on_board = peak = load
    seen: set[int] = set()
    split = 0  # a pickup and its named delivery not in this route in that order
    for s in route:
        on_board += problem.s_pickup[s] - problem.s_demand[s]
        source = problem.s_source[s]
        if source is not None:
            if source in seen:
                on_board -= problem.s_pickup[source]
            else:
                split += 1
        target = problem.s_deliver_to[s]
        if target is not None and target not in route:
            split += 1
        seen.add(s)
        peak = max(peak, on_board)
    too_long = sum(
        max(0, int(sec[a, b]) - problem.s_max_leg[s]) for a, b, s in zip(path, path[1:], route, strict=False)
    )

    def forward(depart: int) -> tuple[list[int], int, int]:
        t, late_by, starts = depart, 0, []
        prev = path[0]
        for s in route:
            point = problem.point(s)
            begin = max(t + int(sec[prev, point]), problem.s_early[s])
            late_by += max(0, begin - problem.s_late[s])
            starts.append(begin)
            t = begin + problem.s_service[s]
            prev = point
        return starts, t + int(sec[prev, path[-1]]), late_by

    early = problem.v_early[vehicle]
    starts, back, _ = forward(early)
    depart = early
    if route:
        # Latest service starts that still finish at ``back``; leave so as to reach the first then.
        latest_next = back
        nxt = path[-1]
        latest = [0] * len(route)
        for k in range(len(route) - 1, -1, -1):
            s = route[k]
            point = problem.point(s)
            latest[k] = min(problem.s_late[s], latest_next - int(sec[point, nxt]) - problem.s_service[s])
            latest[k] = max(latest[k], starts[k])
            latest_next, nxt = latest[k], point
        depart = max(early, latest[0] - int(sec[path[0], path[1]]))
        starts, back, _ = forward(depart)
    _, _, late_by = forward(depart)
    violation = late_by
    violation += max(0, back - problem.v_late[vehicle])
    violation += max(0, back - depart - problem.v_max_duration[vehicle])
    violation += max(0, peak - problem.v_capacity[vehicle]) * 1000
    violation += too_long
    locked = problem.s_vehicle
    violation += sum(1000 for s in route if locked[s] is not None and locked[s] != vehicle)
    violation += 1000 * split
    return Schedule(
        depart=depart,
        starts=starts,
        back=back,
        distance=distance,
        load=load,
        violation=violation,
        picked_up=sum(problem.s_pickup[s] for s in route),
        peak=peak,
    )


def longest_leg(problem: Problem) -> int:
    return int(problem.metres.max()) if problem.metres.size else 0
