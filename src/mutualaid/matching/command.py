"""``mutualaid match INSTANCE.json``: solve a matching instance from a file or stdin.

Pure Python, no Django: the project's command line calls :func:`run`, and
``python -m mutualaid.matching.command FILE`` does the same.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import TextIO

from mutualaid.matching.engine import InvalidInstance, greedy_assignment, load_instance, solve_assignment

EXIT_OK = 0
EXIT_INVALID = 2


class _Parser(argparse.ArgumentParser):
    """Argument errors go to the given stderr with status 2, never to the real sys.stderr."""

    def __init__(self, stderr: TextIO) -> None:
        super().__init__(
            prog="mutualaid match",
            description="Match needs to offers optimally and print the assignment as JSON.",
        )
        self._stderr = stderr

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(self._stderr)
        raise _UsageError(message)


class _UsageError(Exception):
    pass


def run(argv: list[str], stdout: TextIO, stderr: TextIO, stdin: TextIO | None = None) -> int:
    """Solve the instance named in ``argv`` (a path, or ``-`` for stdin) and print the output.

    Returns 0 on success. On invalid input returns 2, writes a message naming the offending
    item to ``stderr`` and nothing to ``stdout``.
    """
    parser = _Parser(stderr)
    parser.add_argument("instance", help="instance JSON file, or - for standard input")
    parser.add_argument(
        "--greedy", action="store_true", help="print the greedy baseline instead of the optimum"
    )
    parser.add_argument("--workers", type=int, default=None, help="worker processes (default: up to 2)")
    try:
        args = parser.parse_args(argv)
    except _UsageError as error:
        stderr.write(f"mutualaid match: error: {error}\n")
        return EXIT_INVALID
    started = time.perf_counter()
    try:
        if args.instance == "-":
            text = (sys.stdin if stdin is None else stdin).read().removeprefix("\ufeff")
        else:
            # utf-8-sig: a byte-order mark (as some Windows tools write) is not an error.
            with open(args.instance, encoding="utf-8-sig") as handle:
                text = handle.read()
    except (OSError, UnicodeDecodeError) as error:
        stderr.write(f"mutualaid match: cannot read {args.instance}: {error}\n")
        return EXIT_INVALID
    try:
        instance = load_instance(text)
    except InvalidInstance as error:
        stderr.write(f"mutualaid match: invalid instance: {error}\n")
        return EXIT_INVALID
    del text
    parsed = time.perf_counter()
    if args.greedy:
        assignment = greedy_assignment(instance)
    else:
        assignment = solve_assignment(instance, workers=args.workers)
    assignment.stats["parse_seconds"] = round(parsed - started, 3)
    assignment.stats["total_seconds"] = round(time.perf_counter() - started, 3)
    assignment.write_json(stdout)
    return EXIT_OK


def main() -> None:
    """Entry point for ``python -m mutualaid.matching.command``."""
    sys.exit(run(sys.argv[1:], sys.stdout, sys.stderr))


if __name__ == "__main__":
    main()
