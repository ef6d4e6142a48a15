"""Benchmark the delivery planner (PyVRP) against OR-Tools' guided local search at an equal time limit.

    python bench/routing.py [--limit 10] [--seeds 1-16] [--only windows|capacity]
                            [--ceiling 30] [--big-limit 60] [--skip-big] [--structure]
                            [--defaults] [--before JSON]

Generated cities: households in clusters around a hub (a few dense blocks and a sprinkling
between), demands 1-4, mixed vehicle capacities (20/30/45), 8-hour shifts; the "windows" variant
gives 10-30 % of the stops a 1-2 hour window. Both solvers get the same integer matrices (the
format's haversine x circuity) and the same time limit, each in its own subprocess; each plan is
recomputed from the integers (``routing.problem.schedule``) before its distance is reported.
``gap`` is how much shorter PyVRP's plan is than OR-Tools'. Both limits are wall time from the start
of the child process (reading the instance and building the matrices count). OR-Tools is single threaded;
PyVRP runs two searches in two threads where the process may use two cores (routing/solve.py _PARALLEL; its
CPU seconds are then both threads'). The CPU seconds each process used are printed beside the wall seconds,
so a run where one solver got less of a busy machine than the other shows. ``--ceiling S`` also runs PyVRP for S
seconds on each instance: where the longer search ends within a fraction of a per cent of the 10 s plan,
the 10 s plan is already at the search's plateau and the gap is set by OR-Tools' plan, not PyVRP's time.

Then: 1,000 stops / 50 vehicles (time to the first feasible plan, the final plan, peak memory of
the process), and a re-plan of a 200-stop run after moving one stop to another driver.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"
sys.path.insert(0, str(SRC))

DAY = "2026-12-05T"
HUB = (40.6694, -73.9422)


def city(n_stops: int, n_vehicles: int, *, windows: bool, seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    centres = [
        (HUB[0] + rng.uniform(-0.08, 0.08), HUB[1] + rng.uniform(-0.1, 0.1))
        for _ in range(max(3, n_stops // 40))
    ]
    stops = []
    share = rng.uniform(0.10, 0.30) if windows else 0.0
    for k in range(n_stops):
        if rng.random() < 0.8:
            lat0, lon0 = rng.choice(centres)
            lat, lon = rng.gauss(lat0, 0.006), rng.gauss(lon0, 0.008)
        else:
            lat, lon = HUB[0] + rng.uniform(-0.1, 0.1), HUB[1] + rng.uniform(-0.12, 0.12)
        stop: dict[str, Any] = {
            "id": f"s{k}",
            "lat": round(lat, 6),
            "lon": round(lon, 6),
            "demand": rng.randint(1, 4),
            "service_min": rng.choice([2, 3, 5]),
        }
        if rng.random() < share:
            start = rng.randrange(9 * 60, 15 * 60, 30)
            length = rng.choice([60, 90, 120])
            stop["window"] = [f"{DAY}{start // 60:02d}:{start % 60:02d}:00Z", _at(start + length)]
        stops.append(stop)
    demand = sum(s["demand"] for s in stops)
    caps = [rng.choice([20, 30, 45]) for _ in range(n_vehicles)]
    # Enough room for every stop with ~10 % slack: capacity binds, as on a real delivery day.
    scale = max(1.0, demand * 1.1 / sum(caps))
    vehicles = [
        {
            "id": f"v{k}",
            "depot": "hub",
            "capacity": math.ceil(c * scale),
            "shift": [DAY + "08:00:00Z", DAY + "17:00:00Z"],
        }
        for k, c in enumerate(caps)
    ]
    return {
        "params": {"speed_kmh": 25.0, "circuity": 1.3, "time_limit_s": 10, "seed": seed},
        "depots": [{"id": "hub", "lat": HUB[0], "lon": HUB[1]}],
        "vehicles": vehicles,
        "stops": stops,
    }


def _at(minute: int) -> str:
    return f"{DAY}{minute // 60:02d}:{minute % 60:02d}:00Z"


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _check(problem: Any, routes: dict[int, list[int]]) -> tuple[int, int]:
    from mutualaid.deliveries.routing.problem import schedule

    distance = served = 0
    for vehicle, stops in routes.items():
        timing = schedule(problem, vehicle, stops)
        assert timing.violation == 0, f"infeasible route for vehicle {vehicle}"
        distance += timing.distance
        served += len(stops)
    return distance, served


def structure(obj: dict[str, Any], routes: dict[str, list[int]]) -> str:
    """One plan's shape: per route its load against capacity, stops (with a window), metres, the minutes it
    drives, waits and is out, and when it is back against the shift's end (which limits bind)."""
    from mutualaid.deliveries.routing import load_instance
    from mutualaid.deliveries.routing.problem import UNLIMITED, build_problem, schedule

    problem = build_problem(load_instance(json.dumps(obj)))
    lines, waits = [], 0
    for key, stops in sorted(routes.items(), key=lambda kv: int(kv[0])):
        v = int(key)
        timing = schedule(problem, v, stops)
        path = [problem.v_start[v], *(problem.point(s) for s in stops), problem.v_end[v]]
        drive = sum(int(problem.seconds[a, b]) for a, b in itertools.pairwise(path))
        wait = timing.back - timing.depart - drive - sum(problem.s_service[s] for s in stops)
        waits += wait
        windows = sum(1 for s in stops if problem.s_early[s] > 0 or problem.s_late[s] < UNLIMITED)
        lines.append(
            f"  v{v}: load {sum(problem.s_demand[s] for s in stops)}/{problem.v_capacity[v]}, "
            f"{len(stops)} stops ({windows} with a window), {timing.distance:,} m, drives {drive // 60} min, "
            f"waits {wait // 60} min, out {(timing.back - timing.depart) // 60} min, back "
            f"{(problem.v_late[v] - timing.back) // 60} min before the shift ends"
        )
    return f"{len(routes)} routes, {waits // 60} min waiting in all\n" + "\n".join(lines)


def run_pyvrp(obj: dict[str, Any], limit: float) -> dict[str, Any]:
    from mutualaid.deliveries.routing import load_instance, solve
    from mutualaid.deliveries.routing.problem import build_problem
    from mutualaid.deliveries.routing.solve import solve_problem

    t0 = time.perf_counter()
    cpu0 = time.process_time()
    clock0 = solve.CLOCK()
    problem = build_problem(load_instance(json.dumps(obj)))
    build_cpu = time.process_time() - cpu0
    plan = solve_problem(problem, time_limit_s=max(limit - (solve.CLOCK() - clock0), 0.05 * limit))
    wall = time.perf_counter() - t0
    distance, served = _check(problem, plan.routes)
    ff = plan.stats.get("first_feasible_s")
    return {
        "distance": distance,
        "served": served,
        "seconds": round(wall, 2),
        "first_feasible_s": None if ff is None else round(ff + (wall - plan.stats["seconds"]), 3),
        "first_feasible_cpu_s": None
        if plan.stats.get("first_feasible_cpu_s") is None
        else round(plan.stats["first_feasible_cpu_s"] + build_cpu, 3),
        "cpu_s": round(time.process_time() - cpu0, 2),
        "peak_mb": round(_peak_mb()),
        "routes": {str(k): v for k, v in plan.routes.items()},
        # With searches in threads (routing/solve.py _PARALLEL): each one's shortest plan, the first search's first.
        "search_distances": plan.stats.get("search_distances"),
    }


def run_pyvrp_defaults(obj: dict[str, Any], limit: float) -> dict[str, Any]:
    """The planner with PyVRP's own penalty and late-acceptance defaults (before the short-run settings)."""
    from mutualaid.deliveries.routing import solve

    solve.TUNED = False
    return run_pyvrp(obj, limit)


def run_ortools(obj: dict[str, Any], limit: float) -> dict[str, Any]:
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    from mutualaid.deliveries.routing import load_instance
    from mutualaid.deliveries.routing.problem import build_problem

    t0 = time.perf_counter()
    cpu0 = time.process_time()
    problem = build_problem(load_instance(json.dumps(obj)))
    n_stops = len(problem.s_demand)
    n_vehicles = len(problem.v_capacity)
    nodes = [0, *range(1, n_stops + 1)]  # one depot (index 0) in these instances
    met = problem.metres.tolist()
    sec = problem.seconds.tolist()
    service = [0, *problem.s_service]
    manager = pywrapcp.RoutingIndexManager(len(nodes), n_vehicles, 0)
    routing = pywrapcp.RoutingModel(manager)

    # Matrices and vectors registered natively: OR-Tools never calls back into Python during search.
    demand = [0, *problem.s_demand]
    travel = [[service[a] + sec[a][b] for b in range(len(nodes))] for a in range(len(nodes))]
    cost = routing.RegisterTransitMatrix(met)
    routing.SetArcCostEvaluatorOfAllVehicles(cost)
    load = routing.RegisterUnaryTransitVector(demand)
    routing.AddDimensionWithVehicleCapacity(load, 0, problem.v_capacity, True, "load")
    timing = routing.RegisterTransitMatrix(travel)
    horizon = max(problem.v_late) + 1
    routing.AddDimension(timing, horizon, horizon, False, "time")
    time_dim = routing.GetDimensionOrDie("time")
    for s in range(n_stops):
        index = manager.NodeToIndex(s + 1)
        time_dim.CumulVar(index).SetRange(problem.s_early[s], min(problem.s_late[s], horizon))
        routing.AddDisjunction([index], 10**9)
    for v in range(n_vehicles):
        time_dim.CumulVar(routing.Start(v)).SetRange(problem.v_early[v], problem.v_late[v])
        time_dim.CumulVar(routing.End(v)).SetRange(problem.v_early[v], problem.v_late[v])
    search = pywrapcp.DefaultRoutingSearchParameters()
    search.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    search.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    search.time_limit.FromMilliseconds(int(limit * 1000 - (time.perf_counter() - t0) * 1000))
    solution = routing.SolveWithParameters(search)
    routes: dict[int, list[int]] = {}
    if solution is not None:
        for v in range(n_vehicles):
            index = routing.Start(v)
            stops = []
            index = solution.Value(routing.NextVar(index))
            while not routing.IsEnd(index):
                stops.append(manager.IndexToNode(index) - 1)
                index = solution.Value(routing.NextVar(index))
            if stops:
                routes[v] = stops
    distance_m, served = _check(problem, routes)
    return {
        "distance": distance_m,
        "served": served,
        "seconds": round(time.perf_counter() - t0, 2),
        "cpu_s": round(time.process_time() - cpu0, 2),
        "routes": {str(k): v for k, v in routes.items()},
    }


def run_replan(obj: dict[str, Any], limit: float) -> dict[str, Any]:
    """Plan, move one stop to another driver (a lock), re-plan from the previous plan."""
    from mutualaid.deliveries.routing import load_instance, plan

    first = plan(load_instance(json.dumps(obj)), time_limit_s=limit)
    hint = {r["vehicle"]: r["stops"] for r in first["routes"]}
    donor = first["routes"][0]
    moved = donor["stops"][len(donor["stops"]) // 2]
    target = next(r["vehicle"] for r in first["routes"] if r["vehicle"] != donor["vehicle"])
    for stop in obj["stops"]:
        if stop["id"] == moved:
            stop["vehicle"] = target
    hint[donor["vehicle"]] = [s for s in hint[donor["vehicle"]] if s != moved]
    hint[target] = [*hint[target], moved]
    t0 = time.perf_counter()
    again = plan(load_instance(json.dumps(obj)), time_limit_s=1.5, hint=hint)
    wall = time.perf_counter() - t0
    where = {s: r["vehicle"] for r in again["routes"] for s in r["stops"]}
    return {
        "seconds": round(wall, 2),
        "before": first["distance_m"],
        "after": again["distance_m"],
        "moved_to_target": where.get(moved) == target,
        "unserved": len(again["unserved"]),
    }


def apply_knobs() -> None:
    """The child's settings: ROUTING_CPU=1 counts PyVRP's limit on each thread's CPU time (an equal CPU budget
    per search on a shared machine; with two searches in threads, _PARALLEL, each gets the limit); ROUTING_KNOBS, a JSON object, sets the planner's module constants (routing/solve.py),
    e.g. {"_NEIGHBOURS": 30}, to compare settings in one run (bench/routing_tune.py)."""
    from mutualaid.deliveries.routing import solve

    if os.environ.get("ROUTING_CPU") == "1":
        solve.CLOCK = time.thread_time
    for name, value in json.loads(os.environ.get("ROUTING_KNOBS") or "{}").items():
        if not hasattr(solve, name):
            raise SystemExit(f"no setting {name} in routing/solve.py")
        setattr(solve, name, value)


def child(kind: str, path: str, limit: float) -> None:
    obj = json.loads(Path(path).read_text())
    apply_knobs()
    runner = {
        "pyvrp": run_pyvrp,
        "pyvrp-defaults": run_pyvrp_defaults,
        "ortools": run_ortools,
        "replan": run_replan,
    }[kind]
    result = runner(obj, limit)
    result["peak_mb"] = round(_peak_mb())
    print(json.dumps(result))


def spawn(
    kind: str,
    obj: dict[str, Any],
    limit: float,
    tmp: Path,
    *,
    knobs: dict[str, Any] | None = None,
    cpu: bool = False,
) -> dict[str, Any]:
    path = tmp / f"instance-{os.getpid()}.json"
    path.write_text(json.dumps(obj))
    env = {**os.environ, "ROUTING_KNOBS": json.dumps(knobs or {}), "ROUTING_CPU": "1" if cpu else "0"}
    done = subprocess.run(
        [
            sys.executable,
            str(Path(__file__).resolve().with_name("routing.py")),
            "--child",
            kind,
            str(path),
            str(limit),
        ],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def seed_list(text: str) -> list[int]:
    """Seeds from "1,2,5" or "1-16" (or both: "1-8,12")."""
    out: list[int] = []
    for part in text.split(","):
        low, _, high = part.partition("-")
        out.extend(range(int(low), int(high or low) + 1))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=float, default=10.0)
    parser.add_argument("--big-limit", type=float, default=60.0)
    parser.add_argument("--seeds", default="1,2,3,4,5,6,7,8")
    parser.add_argument("--only", choices=("windows", "capacity"))
    parser.add_argument("--ceiling", type=float, default=0.0)
    parser.add_argument("--skip-big", action="store_true")
    parser.add_argument(
        "--structure", action="store_true", help="print both plans' routes (loads, waiting, what binds)"
    )
    parser.add_argument(
        "--defaults",
        action="store_true",
        help="also run the planner with PyVRP's default penalties and history, in the same run",
    )
    parser.add_argument(
        "--before",
        help='also run the planner with these settings of routing/solve.py (JSON, e.g. \'{"_RUN_LAST_TO_LIMIT":'
        " false}'), in the same run: a before/after comparison of a change on the same load",
    )
    parser.add_argument("--child", nargs=3)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1], float(args.child[2]))
        return
    import tempfile

    tmp = Path(tempfile.mkdtemp())
    print(
        f"load average at start: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}"
    )
    ceiling = f" PyVRP {args.ceiling:g} s (m) |" if args.ceiling else ""
    if args.defaults:
        ceiling += f" PyVRP defaults {args.limit:g} s (m) | defaults shorter by | CPU s (defaults) |"
    if args.before:
        ceiling += f" PyVRP before {args.limit:g} s (m) | before: shorter by | CPU s (before) |"
    print(
        f"| instance | seed | OR-Tools GLS {args.limit:g} s (m) | PyVRP {args.limit:g} s (m) | PyVRP shorter by |"
        f" served (OR/PyVRP) | CPU s (OR/PyVRP) | wall s (OR/PyVRP) |{ceiling}"
    )
    print(
        "|---|---|---|---|---|---|---|---|"
        + ("---|" if args.ceiling else "")
        + ("---|---|---|" if args.defaults else "")
        + ("---|---|---|" if args.before else "")
    )
    kinds = {"windows": (True,), "capacity": (False,), None: (False, True)}[args.only]
    for windows in kinds:
        for seed in seed_list(args.seeds):
            obj = city(200, 10, windows=windows, seed=seed)
            share = sum(1 for s in obj["stops"] if "window" in s) / len(obj["stops"])
            ort = spawn("ortools", obj, args.limit, tmp)
            pyv = spawn("pyvrp", obj, args.limit, tmp)
            gap = 100 * (ort["distance"] - pyv["distance"]) / ort["distance"]
            name = f"200 stops / 10 vehicles, {f'{round(100 * share)} % windows' if windows else 'capacity only'}"
            longer = ""
            if args.ceiling:
                more = spawn("pyvrp", obj, args.ceiling, tmp)
                longer = f" {more['distance']:,} |"
            if args.defaults:
                old = spawn("pyvrp-defaults", obj, args.limit, tmp)
                old_gap = 100 * (ort["distance"] - old["distance"]) / ort["distance"]
                longer += f" {old['distance']:,} | {old_gap:.1f} % | {old['cpu_s']} |"
            if args.before:
                old = spawn("pyvrp", obj, args.limit, tmp, knobs=json.loads(args.before))
                old_gap = 100 * (ort["distance"] - old["distance"]) / ort["distance"]
                longer += f" {old['distance']:,} | {old_gap:.1f} % | {old['cpu_s']} |"
            print(
                f"| {name} | {seed} | {ort['distance']:,} | {pyv['distance']:,} | {gap:.1f} % |"
                f" {ort['served']}/{pyv['served']} | {ort['cpu_s']}/{pyv['cpu_s']} |"
                f" {ort['seconds']}/{pyv['seconds']} |{longer}",
                flush=True,
            )
            if args.structure:
                print(f"OR-Tools, seed {seed}: {structure(obj, ort['routes'])}")
                print(f"PyVRP, seed {seed}: {structure(obj, pyv['routes'])}", flush=True)
    if not args.skip_big:
        obj = city(1000, 50, windows=True, seed=7)
        big = spawn("pyvrp", obj, args.big_limit, tmp)
        print(
            f"\n1,000 stops / 50 vehicles (windows): first feasible plan {big['first_feasible_s']} s "
            f"({big['first_feasible_cpu_s']} s CPU), final plan {big['seconds']} s "
            f"(limit {args.big_limit:g} s), {big['served']} served, "
            f"{big['distance']:,} m, peak memory {big['peak_mb']} MB",
            flush=True,
        )
    obj = city(200, 10, windows=True, seed=3)
    replan = spawn("replan", obj, 3.0, tmp)
    print(
        f"re-plan after moving one stop (200 stops): {replan['seconds']} s, distance {replan['before']:,} -> "
        f"{replan['after']:,} m, stop on its new driver: {replan['moved_to_target']}, unserved {replan['unserved']}"
    )
    print(f"load average at end: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")


if __name__ == "__main__":
    main()
