"""The shared front of the solver commands (``mutualaid match``, ``mutualaid route``): arguments, reading
the instance from a file or stdin, parsing it, and the messages and exit status when any of that fails.

Pure Python, no Django: the pure engines' commands import it.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TextIO, TypeVar

EXIT_OK = 0
EXIT_INVALID = 2

Instance = TypeVar("Instance")


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    """Argument errors go to the given stderr with status 2, never to the real sys.stderr."""

    def __init__(self, stderr: TextIO, *, prog: str, description: str) -> None:
        super().__init__(prog=prog, description=description)
        self._stderr = stderr

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(self._stderr)
        raise _UsageError(message)


@dataclass(frozen=True)
class Loaded(Generic[Instance]):
    """The parsed arguments and instance, with when reading started and when parsing ended."""

    args: argparse.Namespace
    instance: Instance
    started: float
    parsed: float


def load(
    argv: list[str],
    stderr: TextIO,
    stdin: TextIO | None,
    *,
    prog: str,
    description: str,
    add_arguments: Callable[[argparse.ArgumentParser], None],
    parse: Callable[[str], Instance],
    invalid: type[Exception],
) -> Loaded[Instance] | int:
    """The instance named in ``argv`` (a path, or ``-`` for stdin), parsed by ``parse``.

    On a usage error, an unreadable file or an ``invalid`` instance: a message naming it on ``stderr``
    (prefixed by ``prog``) and EXIT_INVALID instead.
    """
    parser = _Parser(stderr, prog=prog, description=description)
    parser.add_argument("instance", help="instance JSON file, or - for standard input")
    add_arguments(parser)
    try:
        args = parser.parse_args(argv)
    except _UsageError as error:
        stderr.write(f"{prog}: error: {error}\n")
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
        stderr.write(f"{prog}: cannot read {args.instance}: {error}\n")
        return EXIT_INVALID
    try:
        instance = parse(text)
    except invalid as error:
        stderr.write(f"{prog}: invalid instance: {error}\n")
        return EXIT_INVALID
    del text
    return Loaded(args=args, instance=instance, started=started, parsed=time.perf_counter())
