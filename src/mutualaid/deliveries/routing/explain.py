"""Why a stop cannot be served: checked for each stop alone, before the solver runs.

A stop that no vehicle could serve even as its only stop is never given to the solver; its reason
is the first of these that holds for every vehicle allowed to serve it.
"""

from __future__ import annotations

from mutualaid.deliveries.routing.problem import Problem, schedule

NO_VEHICLE = "no vehicle can serve it (the instance has none, or it is locked to none)"
OVER_CAPACITY = "demand exceeds every vehicle's capacity"
WINDOW = "window closes before any vehicle can arrive"
TOO_FAR = "too far to reach and return within any shift"
NO_ROOM = "no room for it in any route alongside the other stops (capacity, windows or shifts)"
# Extension (a stop's ``max_leg_min``): neither a depot nor any other stop is that close to it.
LEG_TOO_LONG = "no depot or other stop is within its maximum leg time"
# Extension (a stop's ``pickup``): what is picked up there fits in no vehicle.
PICKUP_OVER_CAPACITY = "pickup exceeds every vehicle's capacity"

# Extension (a pickup's ``deliver_to``): the pickup and its named delivery cannot share a route in order.
PAIR_ORDER = "no vehicle can pick it up and deliver it to its named stop in order (windows, shifts or locks)"
PAIR_PARTNER = "the stop it is paired with (pickup or named delivery) cannot be served"

REASONS = (
    NO_VEHICLE,
    OVER_CAPACITY,
    WINDOW,
    TOO_FAR,
    NO_ROOM,
    LEG_TOO_LONG,
    PICKUP_OVER_CAPACITY,
    PAIR_ORDER,
    PAIR_PARTNER,
)


def leg_reachable(problem: Problem, stop: int) -> bool:
    """Whether some point (a depot or another stop) reaches the stop within its maximum leg."""
    limit = problem.s_max_leg[stop]
    point = problem.point(stop)
    column = problem.seconds[:, point]
    if column.size <= 1:
        return False
    return bool(
        min(int(column[:point].min(initial=limit + 1)), int(column[point + 1 :].min(initial=limit + 1)))
        <= limit
    )


def fits_alone(problem: Problem, vehicle: int, stop: int) -> str | None:
    """``None`` when ``vehicle`` could serve ``stop`` as its only stop, else the reason why not."""
    if problem.s_demand[stop] > problem.v_capacity[vehicle]:
        return OVER_CAPACITY
    if problem.s_pickup[stop] > problem.v_capacity[vehicle]:
        return PICKUP_OVER_CAPACITY
    sec = problem.seconds
    point = problem.point(stop)
    out = int(sec[problem.v_start[vehicle], point])
    if out > problem.s_max_leg[stop] and not leg_reachable(problem, stop):
        return LEG_TOO_LONG
    back_leg = int(sec[point, problem.v_end[vehicle]])
    arrive = problem.v_early[vehicle] + out
    if arrive > problem.s_late[stop]:
        return WINDOW
    begin = max(arrive, problem.s_early[stop])
    if begin > problem.s_late[stop]:  # a window shorter than a second, between two whole seconds
        return WINDOW
    back = begin + problem.s_service[stop] + back_leg
    if back > problem.v_late[vehicle]:
        return TOO_FAR
    # Leave as late as still starting service at ``begin``: no waiting counts against the duration.
    if out + problem.s_service[stop] + back_leg > problem.v_max_duration[vehicle]:
        return TOO_FAR
    return None


def distinct_vehicles(problem: Problem) -> list[int]:
    """One vehicle per distinct (depot, end depot, capacity, shift, duration): alike vehicles answer alike."""
    seen: dict[tuple[int, ...], int] = {}
    for v in range(len(problem.v_capacity)):
        seen.setdefault(problem.vehicle_kind(v), v)
    return list(seen.values())


def unreachable(problem: Problem, stop: int, vehicles: list[int] | None = None) -> str | None:
    """``None`` when some allowed vehicle could serve the stop alone, else the reason.

    ``vehicles`` (default: all) are the ones to try for a stop not locked to one vehicle.
    """
    locked = problem.s_vehicle[stop]
    if locked is not None:
        candidates: list[int] | range = [locked]
    else:
        candidates = range(len(problem.v_capacity)) if vehicles is None else vehicles
    reasons = [fits_alone(problem, v, stop) for v in candidates]
    if not reasons:
        return NO_VEHICLE
    if any(reason is None for reason in reasons):
        return None
    for reason in (OVER_CAPACITY, PICKUP_OVER_CAPACITY, WINDOW, LEG_TOO_LONG):
        if all(r == reason for r in reasons):
            return reason
    if all(r in (OVER_CAPACITY, PICKUP_OVER_CAPACITY, WINDOW) for r in reasons):
        # Some vehicles are too small, the rest arrive too late: the window is what a person can change.
        return WINDOW
    return TOO_FAR


def pair_unreachable(problem: Problem, pickup: int, vehicles: list[int] | None = None) -> str | None:
    """``None`` when some allowed vehicle could serve ``pickup`` then its named delivery, alone."""
    target = problem.s_deliver_to[pickup]
    if target is None:
        return None
    locks = {problem.s_vehicle[pickup], problem.s_vehicle[target]} - {None}
    if len(locks) > 1:
        return PAIR_ORDER
    if locks:
        candidates: list[int] | range = [next(iter(locks))]  # type: ignore[list-item]
    else:
        candidates = range(len(problem.v_capacity)) if vehicles is None else vehicles
    for v in candidates:
        if not schedule(problem, v, [pickup, target]).violation:
            return None
    return PAIR_ORDER
