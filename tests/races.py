"""One harness for race tests: run N callables at the same moment on PostgreSQL and collect what each did.

Each callable runs in a thread of its own, held at a barrier until all are ready, on a database
connection of its own (Django opens one per thread) that is closed when it is done. The results come
back in the order of the callables: the value returned, or the exception raised. Race tests are marked
`postgres_only` and use `transactional_db` (the threads must see committed rows) and call
`require_postgresql()`: SQLite takes its write lock at BEGIN, so nothing can race there.

    results = race([lambda: pay(a) for a in asks])
    assert outcomes(results, refused=(ValidationError,)) == ["refused"] * 9 + ["won"] * 3
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

import pytest
from django.db import connection, connections

T = TypeVar("T")


def require_postgresql() -> None:
    """Skip the calling test unless it runs on PostgreSQL (row locks, SKIP LOCKED, real concurrency)."""
    if connection.vendor != "postgresql":
        pytest.skip("races are proven on PostgreSQL")


def race(jobs: Sequence[Callable[[], T]], *, timeout: float = 60.0) -> list[T | BaseException]:
    """Run every job at once, each in its own thread and connection; each job's result or exception."""
    barrier = threading.Barrier(len(jobs))
    results: list[T | BaseException] = [RuntimeError("did not finish")] * len(jobs)

    def run(index: int, job: Callable[[], T]) -> None:
        try:
            barrier.wait(timeout)
            results[index] = job()
        except BaseException as exc:  # handed to the test, which says which ones it expects
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job), daemon=True) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    stuck = sum(thread.is_alive() for thread in threads)
    assert not stuck, f"{stuck} of {len(jobs)} racing jobs still running after {timeout} s"
    return results


def outcomes(
    results: Sequence[object],
    *,
    refused: tuple[type[BaseException], ...] = (),
    won: str = "won",
    lost: str = "refused",
) -> list[str]:
    """Sorted words for the results: `won` for a value, `lost` for one of the expected refusals,
    "error: ..." for any other exception (so an assertion on the list shows it)."""
    words = []
    for result in results:
        if isinstance(result, refused):
            words.append(lost)
        elif isinstance(result, BaseException):
            words.append(f"error: {result!r}")
        else:
            words.append(won)
    return sorted(words)


def errors(results: Sequence[object]) -> list[BaseException]:
    """The exceptions among the results."""
    return [result for result in results if isinstance(result, BaseException)]
