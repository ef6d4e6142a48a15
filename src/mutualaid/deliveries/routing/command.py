"""``mutualaid route INSTANCE.json``: plan delivery routes from a file or stdin.

Pure Python, no Django: the project's command line calls :func:`run`, and
``python -m mutualaid.deliveries.routing.command FILE`` does the same.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import TextIO

from mutualaid.core.instance_command import EXIT_INVALID, EXIT_OK, load
from mutualaid.deliveries.routing import InvalidInstance, load_instance, plan, road_travel
from mutualaid.deliveries.routing.roads import KINDS


def _threads(raw: str) -> int:
    """The --threads value: a whole number of at least 1."""
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, not {raw[:20]!r}")
    return value


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--time-limit", type=float, default=None, help="seconds (default: the instance's params)"
    )
    parser.add_argument(
        "--threads",
        type=_threads,
        default=None,
        help="searches at once, one thread each (default 2, never more than the cores at hand; 1: one search)",
    )
    parser.add_argument(
        "--road-url",
        default=None,
        help="a road server's base URL: travel times from its matrix service instead of the estimate",
    )
    parser.add_argument(
        "--road-kind",
        choices=KINDS,
        default="osrm",
        help="what answers at --road-url: OSRM's table service or Valhalla's sources_to_targets (default osrm)",
    )


def run(argv: list[str], stdout: TextIO, stderr: TextIO, stdin: TextIO | None = None) -> int:
    """Solve the instance named in ``argv`` (a path, or ``-`` for stdin) and print the output.

    Returns 0 on success. On invalid input returns 2, writes a message naming the offending item
    to ``stderr`` and nothing to ``stdout``.
    """
    loaded = load(
        argv,
        stderr,
        stdin,
        prog="mutualaid route",
        description="Plan delivery routes (docs/routing-instance.md) and print them as JSON.",
        add_arguments=_arguments,
        parse=load_instance,
        invalid=InvalidInstance,
    )
    if isinstance(loaded, int):
        return loaded
    time_limit = loaded.args.time_limit
    if time_limit is not None and not time_limit > 0:
        stderr.write("mutualaid route: error: --time-limit must be positive\n")
        return EXIT_INVALID
    threads = loaded.args.threads
    road_url = loaded.args.road_url
    travel = None if not road_url else road_travel(loaded.args.road_kind, road_url)
    output = plan(loaded.instance, time_limit_s=time_limit, travel=travel, threads=threads)
    output["stats"]["total_seconds"] = round(time.perf_counter() - loaded.started, 3)
    stdout.write(json.dumps(output, ensure_ascii=False))
    stdout.write("\n")
    return EXIT_OK


def main() -> None:
    """Entry point for ``python -m mutualaid.deliveries.routing.command``."""
    sys.exit(run(sys.argv[1:], sys.stdout, sys.stderr))


if __name__ == "__main__":
    main()
