"""``mutualaid match INSTANCE.json``: solve a matching instance from a file or stdin.

Pure Python, no Django: the project's command line calls :func:`run`, and
``python -m mutualaid.matching.command FILE`` does the same.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import TextIO

from mutualaid.core.instance_command import EXIT_OK, load
from mutualaid.matching.engine import InvalidInstance, greedy_assignment, load_instance, solve_assignment


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--greedy", action="store_true", help="print the greedy baseline instead of the optimum"
    )
    parser.add_argument("--workers", type=int, default=None, help="worker processes (default: up to 2)")


def run(argv: list[str], stdout: TextIO, stderr: TextIO, stdin: TextIO | None = None) -> int:
    """Solve the instance named in ``argv`` (a path, or ``-`` for stdin) and print the output.

    Returns 0 on success. On invalid input returns 2, writes a message naming the offending
    item to ``stderr`` and nothing to ``stdout``.
    """
    loaded = load(
        argv,
        stderr,
        stdin,
        prog="mutualaid match",
        description="Match needs to offers optimally and print the assignment as JSON.",
        add_arguments=_arguments,
        parse=load_instance,
        invalid=InvalidInstance,
    )
    if isinstance(loaded, int):
        return loaded
    if loaded.args.greedy:
        assignment = greedy_assignment(loaded.instance)
    else:
        assignment = solve_assignment(loaded.instance, workers=loaded.args.workers)
    assignment.stats["parse_seconds"] = round(loaded.parsed - loaded.started, 3)
    assignment.stats["total_seconds"] = round(time.perf_counter() - loaded.started, 3)
    assignment.write_json(stdout)
    return EXIT_OK


def main() -> None:
    """Entry point for ``python -m mutualaid.matching.command``."""
    sys.exit(run(sys.argv[1:], sys.stdout, sys.stderr))


if __name__ == "__main__":
    main()
