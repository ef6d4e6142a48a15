"""Benchmark the matching engine against the greedy dispatcher and a full-graph exact solve.

    python bench/matching.py [--sizes 2000,20000,200000,1000000] [--out bench/RESULTS-matching.md]
    python bench/matching.py --sizes 200000 --shapes dense-metro,sparse-rural,scarce-supply,giant-category
    python bench/matching.py ... --seed 7 --workdir DIR   (instances from another seed)
    python bench/matching.py ... --methods exact          (the engine alone: no greedy, no full graph)

Each size gets generated instances (``gen_instance.py``: clustered cities, skewed categories,
per-city supply from scarce to plentiful); small sizes also get a scarce (needs = 4 x offers)
and a plentiful (offers = 4 x needs) variant. ``--shapes`` adds the hard shapes of ``gen_instance.py``
(dense metro, sparse rural, scarce supply, one giant category) at every size. Every run is its own subprocess, so its peak
memory (``ru_maxrss`` of the process plus its worker processes) is its own.
``full`` is a plain min-cost flow over every feasible pair (all pairs within ``max_km`` from a
k-d tree), run only where that graph fits; ``gap`` is how far a method is below it.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"
FULL_GRAPH_MAX_SIDE = 20_000  # all-pairs graph of larger instances takes minutes and GBs


def run_one(path: str, mode: str) -> dict[str, Any]:
    """Runs inside the subprocess: parse, solve, write; returns timings and results."""
    sys.path.insert(0, str(SRC))
    import numpy as np
    from scipy.spatial import cKDTree

    from mutualaid.matching import engine
    from mutualaid.matching.engine import exact, geometry, parts

    cpu0 = os.times()
    t0 = time.perf_counter()
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    instance = engine.load_instance(text)
    del text
    t1 = time.perf_counter()
    extra: dict[str, Any] = {}
    if mode == "exact":
        assignment = engine.solve_assignment(instance)
        extra = {k: assignment.stats[k] for k in ("candidate_pairs", "max_pricing_rounds", "workers")}
    elif mode == "greedy":
        assignment = engine.greedy_assignment(instance)
    else:  # full: every feasible pair, one min-cost flow per component, no pricing
        objective = units = pairs_total = 0
        for need_index, offer_index in parts._components(instance):
            part = exact._Part.slice(instance, need_index, offer_index)
            hits = cKDTree(part.need_xyz).sparse_distance_matrix(
                cKDTree(part.offer_xyz), geometry._chord_for(part.max_km), output_type="ndarray"
            )
            pairs = part.feasible(hits["i"].astype(np.int64), hits["j"].astype(np.int64))
            pairs_total += len(pairs)
            if len(pairs):
                flow = exact._solve_flow(part, pairs)
                objective += int((flow * pairs.score).sum())
                units += int(flow.sum())
        t2 = time.perf_counter()
        cpu = os.times()
        return {
            "parse": t1 - t0,
            "solve": t2 - t1,
            "write": 0.0,
            "wall": t2 - t0,
            "cpu": (cpu.user + cpu.system + cpu.children_user + cpu.children_system)
            - (cpu0.user + cpu0.system),
            "peak_mb": _peak_mb(),
            "objective": objective,
            "matched_units": units,
            "candidate_pairs": pairs_total,
        }
    t2 = time.perf_counter()
    with tempfile.TemporaryFile("w", encoding="utf-8") as sink:
        assignment.write_json(sink)
    t3 = time.perf_counter()
    cpu = os.times()
    return {
        "parse": t1 - t0,
        "solve": t2 - t1,
        "write": t3 - t2,
        "wall": t3 - t0,
        "cpu": (cpu.user + cpu.system + cpu.children_user + cpu.children_system) - (cpu0.user + cpu0.system),
        "peak_mb": _peak_mb(),
        "objective": assignment.objective,
        "matched_units": assignment.matched_units,
        **extra,
    }


def _peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (own + workers) / 1024.0  # Linux reports KiB


def measure(path: Path, mode: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--run-one", str(path), "--mode", mode],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{mode} on {path} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def instances(
    sizes: list[int], workdir: Path, extra_shapes: list[str], seed: int = 1
) -> list[tuple[str, Path]]:
    out = []
    for size in sizes:
        shapes = [("mixed", "mixed", size, size)]
        if size <= FULL_GRAPH_MAX_SIDE:
            shapes += [("scarce", "mixed", size, size // 4), ("plentiful", "mixed", size // 4, size)]
        shapes += [(shape, shape, size, size) for shape in extra_shapes]
        for label, shape, needs, offers in shapes:
            stem = f"inst-{needs}x{offers}" if shape == "mixed" else f"inst-{needs}x{offers}-{shape}"
            if seed != 1:
                stem += f"-s{seed}"
            path = workdir / f"{stem}.json"
            if not path.exists():
                subprocess.run(
                    [
                        sys.executable,
                        str(HERE / "gen_instance.py"),
                        "--shape",
                        shape,
                        "--needs",
                        str(needs),
                        "--offers",
                        str(offers),
                        "--seed",
                        str(seed),
                        "--out",
                        str(path),
                    ],
                    check=True,
                )
            out.append((f"{needs:,} x {offers:,} ({label})", path))
    return out


METHODS = ("exact", "greedy", "full")  # full: only where the all-pairs graph fits


def chosen_methods(text: str) -> list[str]:
    """The methods named in --methods, in the table's order; an unknown name is an error."""
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = sorted(set(names) - set(METHODS))
    if unknown or not names:
        raise SystemExit(f"--methods: choose from {', '.join(METHODS)} (got {text!r})")
    return [method for method in METHODS if method in names]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2000,20000,200000,1000000")
    parser.add_argument("--shapes", default="", help="extra shapes, e.g. dense-metro,sparse-rural")
    parser.add_argument("--only-shapes", action="store_true", help="skip the mixed instances")
    parser.add_argument("--out", default=None, help="also write the table to this file")
    parser.add_argument("--workdir", default=None, help="where instances are kept")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated instances")
    parser.add_argument(
        "--methods",
        default=",".join(METHODS),
        help="which to run, e.g. exact (skips the greedy baseline and the full-graph reference)",
    )
    parser.add_argument("--run-one", help=argparse.SUPPRESS)
    parser.add_argument("--mode", default="exact", help=argparse.SUPPRESS)
    args = parser.parse_args()
    methods = chosen_methods(args.methods)
    if args.run_one:
        print(json.dumps(run_one(args.run_one, args.mode)))
        return
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="matching-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    sizes = [int(s) for s in args.sizes.split(",")]
    header = (
        "| instance (needs x offers) | method | parse s | solve s | write s | wall s | CPU s "
        "| peak MB | objective | matched units | gap to full graph | candidate pairs | pricing rounds |"
    )
    lines = [header, "|" + "---|" * 13]
    print(header, flush=True)
    print(lines[1], flush=True)
    extra = [s for s in args.shapes.split(",") if s]
    chosen = instances(sizes, workdir, extra, args.seed)
    if args.only_shapes:
        chosen = [
            (label, path)
            for label, path in chosen
            if not label.endswith(("(mixed)", "(scarce)", "(plentiful)"))
        ]
    for label, path in chosen:
        results = {mode: measure(path, mode) for mode in methods if mode != "full"}
        if (
            "full" in methods
            and int(path.stem.split("-")[1].split("x")[0]) <= FULL_GRAPH_MAX_SIDE
            and int(path.stem.split("-")[1].split("x")[1]) <= FULL_GRAPH_MAX_SIDE
        ):
            results["full"] = measure(path, "full")
        best = results.get("full", {}).get("objective")
        for mode, r in results.items():
            gap = "—" if best is None else f"{100.0 * (best - r['objective']) / best:.4f} %"
            pairs = r.get("candidate_pairs", "—")
            rounds = r.get("max_pricing_rounds", "—")
            row = (
                f"| {label} | {mode} | {r['parse']:.2f} | {r['solve']:.2f} | {r['write']:.2f} "
                f"| {r['wall']:.2f} | {r['cpu']:.2f} | {r['peak_mb']:.0f} | {r['objective']:,} "
                f"| {r['matched_units']:,} | {gap} | {pairs if pairs == '—' else f'{pairs:,}'} | {rounds} |"
            )
            lines.append(row)
            print(row, flush=True)
    if args.out:
        Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
