"""Warm-started against cold pricing rounds, side by side in one process, on one instance file.

    python bench/matching_warm.py FILE [--order warm,cold]

Parses FILE once, then solves it with ``Tuning(warm_start=True)`` and ``warm_start=False`` (one
worker, so process CPU time is the whole cost) and prints, per run: wall and CPU seconds of the
solve, CPU seconds inside the flow solver (first-round cold solves and later-round solves
separately), the objective, matched units, candidate pairs and pricing rounds. Both runs must
reach the same objective; the script fails otherwise.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from mutualaid.matching import engine
from mutualaid.matching.engine import exact


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file")
    parser.add_argument("--order", default="warm,cold")
    args = parser.parse_args()
    t0, c0 = time.perf_counter(), time.process_time()
    with open(args.file, encoding="utf-8") as handle:
        instance = engine.load_instance(handle.read())
    print(f"parse: wall {time.perf_counter() - t0:.1f} s, CPU {time.process_time() - c0:.1f} s", flush=True)

    spent = {"first": 0.0, "later": 0.0}
    cold, warm = exact._solve_flow, exact._solve_flow_warm

    def timed(name: str, fn: Any) -> Any:
        def run(*a: Any) -> Any:
            c = time.process_time()
            try:
                return fn(*a)
            finally:
                spent[name] += time.process_time() - c

        return run

    print(
        "| rounds solved | wall s | CPU s | flow CPU s (first round / later rounds) | objective | matched units | candidate pairs | rounds |"
    )
    print("|---|---|---|---|---|---|---|---|")
    objectives = set()
    # Cold mode re-solves every round from scratch, so later rounds go through _solve_flow too:
    # a part's first solve is the one after its seeding.
    seeding, fresh = exact._seed_pairs, [False]

    def seed(part: Any) -> Any:
        fresh[0] = True
        return seeding(part)

    def cold_split(part: Any, pairs: Any) -> Any:
        name = "first" if fresh[0] else "later"
        fresh[0] = False
        return timed(name, cold)(part, pairs)

    exact._seed_pairs = seed  # type: ignore[assignment]
    for mode in args.order.split(","):
        spent.update(first=0.0, later=0.0)
        exact._solve_flow = cold_split  # type: ignore[assignment]
        exact._solve_flow_warm = timed("later", warm)  # type: ignore[assignment]
        tuning = dataclasses.replace(engine.Tuning(), warm_start=mode == "warm")
        t0, c0 = time.perf_counter(), time.process_time()
        result = engine.solve_assignment(instance, workers=1, tuning=tuning)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        objectives.add(result.objective)
        print(
            f"| {mode} | {wall:.1f} | {cpu:.1f} | {spent['first']:.1f} / {spent['later']:.1f} | "
            f"{result.objective:,} | {result.matched_units:,} | {result.stats['candidate_pairs']:,} | "
            f"{result.stats['max_pricing_rounds']} |",
            flush=True,
        )
    exact._solve_flow, exact._solve_flow_warm, exact._seed_pairs = cold, warm, seeding
    if len(objectives) != 1:
        raise SystemExit(f"objectives differ: {sorted(objectives)}")


if __name__ == "__main__":
    main()
