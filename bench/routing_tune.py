"""Compare settings of the planner (routing/solve.py) on bench/routing.py's generated cities, and measure how
far OR-Tools' plan is from the best plan known.

    python bench/routing_tune.py [--seeds 1-8] [--solver-seeds 2] [--limit 4] [--cpu]
                                 [--only windows|capacity] [--ortools 10] [--ortools-cache FILE]
                                 [--variant NAME=JSON ...]

Every variant runs on every instance with each solver seed, each in its own subprocess (bench/routing.py's
child); ``--cpu`` counts PyVRP's limit on the child's CPU time, so that variants compare at an equal CPU
budget however busy the machine is. A variant is a JSON object of module constants of routing/solve.py,
e.g. ``--variant few='{"_NEIGHBOURS": 30}'``; ``base`` ({}) runs first unless ``--no-base``. ``--ortools S`` also runs
OR-Tools' guided local search for S seconds of wall time (its limit cannot be counted on CPU) and prints
each variant's gap to it; ``--ortools-cache`` keeps those plans in a JSON file between runs.

Headroom: ``--limit 120 --solver-seeds 3 --ortools 10`` gives the best plan of three long searches and how
far OR-Tools' 10 s plan is from it (``OR-Tools over best``): where that is under 10 %, no plan of any solver
can be 10 % shorter than OR-Tools' on that instance unless it beats the best known plan.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from routing import city, seed_list, spawn


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", default="1-8")
    parser.add_argument("--solver-seeds", type=int, default=2)
    parser.add_argument("--limit", type=float, default=4.0)
    parser.add_argument("--cpu", action="store_true", help="count PyVRP's limit on CPU time")
    parser.add_argument("--only", choices=("windows", "capacity"), default="windows")
    parser.add_argument("--ortools", type=float, default=0.0)
    parser.add_argument("--ortools-cache")
    parser.add_argument("--variant", action="append", default=[])
    parser.add_argument(
        "--per-search",
        action="store_true",
        help="also print the first search's plan where searches run in threads (the one-core figure)",
    )
    parser.add_argument("--no-base", action="store_true", help="leave out the base variant (run elsewhere)")
    args = parser.parse_args()
    variants: dict[str, dict[str, Any]] = {} if args.no_base else {"base": {}}
    for item in args.variant:
        name, _, knobs = item.partition("=")
        variants[name] = json.loads(knobs)
    cache_path = Path(args.ortools_cache) if args.ortools_cache else None
    cache: dict[str, Any] = json.loads(cache_path.read_text()) if cache_path and cache_path.exists() else {}
    tmp = Path(tempfile.mkdtemp())
    windows = args.only == "windows"
    clock = "CPU" if args.cpu else "wall"
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(
        f"PyVRP limit {args.limit:g} s of {clock} time, solver seeds {[1 + 1000 * k for k in range(args.solver_seeds)]}, {args.only}"
    )
    for name, knobs in variants.items():
        print(f"  {name}: {json.dumps(knobs)}")
    head = "| seed |" + ("" if not args.ortools else f" OR-Tools {args.ortools:g} s (m, CPU s) |")
    for name in variants:
        head += f" {name}: mean (m) | best (m) | CPU s |" + (" gap mean / best |" if args.ortools else "")
    print(head, flush=True)
    totals: dict[str, list[float]] = {name: [] for name in variants}
    gaps: dict[str, list[float]] = {name: [] for name in variants}
    firsts: dict[str, list[float]] = {name: [] for name in variants}
    for seed in seed_list(args.seeds):
        obj = city(200, 10, windows=windows, seed=seed)
        line = f"| {seed} |"
        ort: dict[str, Any] | None = None
        if args.ortools:
            key = f"{args.only}-{seed}-{args.ortools:g}"
            if key not in cache:
                cache[key] = spawn("ortools", obj, args.ortools, tmp)
                cache[key].pop("routes", None)
                if cache_path:
                    cache_path.write_text(json.dumps(cache, indent=1))
            ort = cache[key]
            line += f" {ort['distance']:,} ({ort['cpu_s']}) |"
        for name, knobs in variants.items():
            runs = []
            for k in range(args.solver_seeds):
                # Seeds far apart: a solve's restarts take the next seeds (seed + 1, + 2, ...).
                obj["params"]["seed"] = 1 + 1000 * k
                runs.append(spawn("pyvrp", obj, args.limit, tmp, knobs=knobs, cpu=args.cpu))
            distances = [r["distance"] for r in runs]
            assert all(r["served"] == len(obj["stops"]) for r in runs), "a stop left out"
            mean, best = statistics.mean(distances), min(distances)
            totals[name].append(mean)
            line += f" {mean:,.0f} | {best:,} | {statistics.mean(r['cpu_s'] for r in runs):.2f} |"
            if ort:
                gap, gap_best = (100 * (ort["distance"] - d) / ort["distance"] for d in (mean, best))
                gaps[name].append(gap)
                line += f" {gap:.1f} / {gap_best:.1f} % |"
            if args.per_search:
                # The first search alone (what one core gives) beside the plan kept from all of them.
                first = statistics.mean((r["search_distances"] or [r["distance"]])[0] for r in runs)
                firsts[name].append(first)
                line += f" first search {first:,.0f}" + (
                    f" ({100 * (ort['distance'] - first) / ort['distance']:.1f} %) |" if ort else " |"
                )
        print(line, flush=True)
    print()
    first = statistics.mean(totals[next(iter(variants))])
    for name in variants:
        mean = statistics.mean(totals[name])
        extra = f", mean gap to OR-Tools {statistics.mean(gaps[name]):.2f} %" if gaps[name] else ""
        print(f"{name}: mean {mean:,.0f} m ({100 * (mean - first) / first:+.2f} % against the first){extra}")
        if firsts[name]:
            alone = statistics.mean(firsts[name])
            print(
                f"  {name}, the first search alone: mean {alone:,.0f} m ({100 * (mean - alone) / alone:+.2f} % kept against it)"
            )
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
