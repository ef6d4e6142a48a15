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

from mutualaid.deliveries.routing import InvalidInstance, load_instance, osrm_travel, plan

EXIT_OK = 0
EXIT_INVALID = 2


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    """Argument errors go to the given stderr with status 2, never to the real sys.stderr."""

    def __init__(self, stderr: TextIO) -> None:
        super().__init__(
            prog="mutualaid route",
            description="Plan delivery routes (docs/routing-instance.md) and print them as JSON.",
        )
        self._stderr = stderr

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(self._stderr)
        raise _UsageError(message)


def run(argv: list[str], stdout: TextIO, stderr: TextIO, stdin: TextIO | None = None) -> int:
    """Solve the instance named in ``argv`` (a path, or ``-`` for stdin) and print the output.

    Returns 0 on success. On invalid input returns 2, writes a message naming the offending item
    to ``stderr`` and nothing to ``stdout``.
    """
    parser = _Parser(stderr)
    parser.add_argument("instance", help="instance JSON file, or - for standard input")
    parser.add_argument(
        "--time-limit", type=float, default=None, help="seconds (default: the instance's params)"
    )
    parser.add_argument(
        "--road-url",
        default=None,
        help="an OSRM server's base URL: travel times from its table service instead of the estimate",
    )
    try:
        args = parser.parse_args(argv)
    except _UsageError as error:
        stderr.write(f"mutualaid route: error: {error}\n")
        return EXIT_INVALID
    started = time.perf_counter()
    try:
        if args.instance == "-":
            text = (sys.stdin if stdin is None else stdin).read().removeprefix("\ufeff")
        else:
            with open(args.instance, encoding="utf-8-sig") as handle:
                text = handle.read()
    except (OSError, UnicodeDecodeError) as error:
        stderr.write(f"mutualaid route: cannot read {args.instance}: {error}\n")
        return EXIT_INVALID
    try:
        instance = load_instance(text)
    except InvalidInstance as error:
        stderr.write(f"mutualaid route: invalid instance: {error}\n")
        return EXIT_INVALID
    if args.time_limit is not None and not args.time_limit > 0:
        stderr.write("mutualaid route: error: --time-limit must be positive\n")
        return EXIT_INVALID
    travel = None if not args.road_url else osrm_travel(args.road_url)
    output = plan(instance, time_limit_s=args.time_limit, travel=travel)
    output["stats"]["total_seconds"] = round(time.perf_counter() - started, 3)
    stdout.write(json.dumps(output, ensure_ascii=False))
    stdout.write("\n")
    return EXIT_OK


def main() -> None:
    """Entry point for ``python -m mutualaid.deliveries.routing.command``."""
    sys.exit(run(sys.argv[1:], sys.stdout, sys.stderr))


if __name__ == "__main__":
    main()
