"""Where a matching solve spends its time, stage by stage, for one or two engine trees side by side.

    python bench/matching_stages.py FILE [FILE ...] [--before DIR] [--workers 1]

For every instance file, runs the engine of this checkout (and, with ``--before DIR``, the engine
under ``DIR/src``, e.g. ``git archive OLD src | tar -x -C DIR``) in its own subprocess, one after
the other, and prints one table row per run: wall and CPU seconds of parsing and of the solve,
CPU seconds per stage of the solve (seeding, flow solves, dual recovery with its certificate,
pricing), the objective, matched units, candidate pairs and pricing rounds. Stage times are
process CPU time measured around the engine's own functions in the main process, so they are
complete only with ``--workers 1`` (the default); the solve's CPU column counts worker
processes too. Both engines must reach the same objective; the script says so when they do not.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
STAGES = {
    "seed": ("_seed_pairs",),
    "flow": ("_solve_flow", "_solve_flow_warm", "_solve_compiled"),
    "duals": ("_duals",),
    "pricing": ("_violations",),
}


def run_one(src: str, path: str, workers: int) -> dict[str, Any]:
    sys.path.insert(0, src)
    from mutualaid.matching import engine
    from mutualaid.matching.engine import exact

    spent: dict[str, float] = collections.defaultdict(float)
    depth = [0]

    def wrap(stage: str, name: str) -> None:
        fn = getattr(exact, name, None)
        if fn is None:
            return

        def run(*args: Any, **kwargs: Any) -> Any:
            depth[0] += 1
            c = time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                depth[0] -= 1
                if depth[0] == 0:  # a warm solve may fall back to a cold one: count it once
                    spent[stage] += time.process_time() - c

        setattr(exact, name, run)

    for stage, names in STAGES.items():
        for name in names:
            wrap(stage, name)
    t0, c0 = time.perf_counter(), time.process_time()
    with open(path, encoding="utf-8") as handle:
        instance = engine.load_instance(handle.read())
    t1, c1 = time.perf_counter(), time.process_time()
    cpu0 = os.times()
    assignment = engine.solve_assignment(instance, workers=workers)
    cpu = os.times()
    t2 = time.perf_counter()
    solve_cpu = (cpu.user + cpu.system + cpu.children_user + cpu.children_system) - (
        cpu0.user + cpu0.system + cpu0.children_user + cpu0.children_system
    )
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {
        "parse_wall": t1 - t0,
        "parse_cpu": c1 - c0,
        "solve_wall": t2 - t1,
        "solve_cpu": solve_cpu,
        "stages": dict(spent),
        "peak_mb": (own + kids) / 1024.0,
        "objective": assignment.objective,
        "matched_units": assignment.matched_units,
        "pairs": assignment.stats["candidate_pairs"],
        "rounds": assignment.stats["max_pricing_rounds"],
    }


def measure(src: Path, path: Path, workers: int) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--run-one", str(path), "--src", str(src), "--workers", str(workers)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{src} on {path} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*")
    parser.add_argument("--before", help="a tree holding the engine to compare with (DIR/src)")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--run-one", help=argparse.SUPPRESS)
    parser.add_argument("--src", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run_one:
        print(json.dumps(run_one(args.src, args.run_one, args.workers)))
        return
    engines = [("after", HERE.parent / "src")]
    if args.before:
        engines.insert(0, ("before", Path(args.before) / "src"))
    print(f"load average at start: {os.getloadavg()}", flush=True)
    print(
        "| instance | engine | parse wall / CPU s | solve wall / CPU s | seed / flow / duals / pricing CPU s "
        "| peak MB | objective | matched units | pairs | rounds |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|", flush=True)
    for name in args.files:
        objectives = set()
        for label, src in engines:
            r = measure(src, Path(name), args.workers)
            s = collections.defaultdict(float, r["stages"])
            objectives.add(r["objective"])
            print(
                f"| {Path(name).stem} | {label} | {r['parse_wall']:.1f} / {r['parse_cpu']:.1f} "
                f"| {r['solve_wall']:.1f} / {r['solve_cpu']:.1f} "
                f"| {s['seed']:.1f} / {s['flow']:.1f} / {s['duals']:.1f} / {s['pricing']:.1f} "
                f"| {r['peak_mb']:.0f} | {r['objective']:,} | {r['matched_units']:,} | {r['pairs']:,} | {r['rounds']} |",
                flush=True,
            )
        if len(objectives) > 1:
            print(f"| {Path(name).stem} | DIFFERENT OBJECTIVES: {sorted(objectives)} |", flush=True)
    print(f"load average at end: {os.getloadavg()}", flush=True)


if __name__ == "__main__":
    main()
