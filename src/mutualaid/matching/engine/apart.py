"""Solving in a child process, so a long-lived process gets its memory back.

A round over 10,000 needs and 10,000 offers takes gigabytes at its peak (the candidate graph, the
solver's arrays, the pricing passes). CPython and the solver's allocator keep most of that mapped after
the solve, so a worker that ran one large round holds its peak for the rest of its life (measured in the
one-hour soak of bench/cluster.py: 2.4 GB after three rounds). A child process started with ``spawn``
(a fresh interpreter: no inherited locks or database connections, which ``fork`` from a process with
threads would risk) parses and solves, sends the output object back, and exits; its memory goes back to
the system whatever the solve needed. Starting it costs about a second (importing numpy and OR-Tools),
which a background round affords.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from .instance import parse_instance
from .parts import solve


def _parse_and_solve(obj: object, exclude_pairs: list[tuple[str, str]]) -> dict[str, Any]:
    # One process: the child is the only thing running the solve, and it must not fork again.
    return solve(parse_instance(obj, exclude_pairs=exclude_pairs), workers=1)


def solve_apart(obj: object, *, exclude_pairs: Iterable[tuple[str, str]] = ()) -> dict[str, Any]:
    """``solve(parse_instance(obj, exclude_pairs=...))`` in a fresh child process; the same output object,
    and the same :class:`InvalidInstance` for an invalid instance."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(_parse_and_solve, obj, list(exclude_pairs)).result()
