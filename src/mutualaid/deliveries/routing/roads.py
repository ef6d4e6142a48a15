"""Travel times from a road-network server the operator runs (OSRM's ``table`` service); no Django.

``osrm_travel(url)`` returns a :data:`.problem.Travel`: given the points, it asks
``{url}/table/v1/driving/{lon},{lat};...?annotations=duration,distance`` in blocks small enough for
OSRM's default ``max-table-size`` (100 coordinates) and answers integer (metres, seconds) matrices,
rounded like the format's. A pair the server cannot route gets :data:`NO_ROUTE` (the solver then
avoids it and the plan's explanations say the stop is too far). Any failure (the server down, an
answer that is not OSRM's) raises :class:`RoadServerError`; the caller falls back to the haversine
estimate. Only coordinates are sent; nothing else about a run leaves the process.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from typing import Any

import numpy as np

from mutualaid.deliveries.routing.distances import IntMatrix
from mutualaid.deliveries.routing.problem import Travel

# Far beyond any delivery, far inside int64 sums: a pair the road network does not connect.
NO_ROUTE = 10**9
BLOCK = 50  # sources and destinations per request: at most 100 coordinates
TIMEOUT_S = 10.0
_LOOPBACK = {"localhost", "127.0.0.1", "::1"}


class RoadServerError(RuntimeError):
    """The road server did not answer a usable table."""


def is_loopback(url: str) -> bool:
    """Whether ``url`` names this machine (exact coordinates may go there: they never leave it)."""
    host = urllib.parse.urlsplit(url).hostname or ""
    return host in _LOOPBACK or host.startswith("127.")


def _fetch(url: str, timeout: float) -> dict[str, Any]:
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - an operator's URL
            body = response.read(64 * 1024 * 1024)
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise RoadServerError(f"road server unreachable: {error.__class__.__name__}") from None
    try:
        answer = json.loads(body)
    except ValueError:
        raise RoadServerError("road server answered something that is not JSON") from None
    if not isinstance(answer, dict) or answer.get("code") != "Ok":
        code = answer.get("code") if isinstance(answer, dict) else None
        raise RoadServerError(f"road server refused the table (code {code!r})")
    return answer


def _cell(value: Any) -> int:
    if value is None:
        return NO_ROUTE
    if isinstance(value, bool) or not isinstance(value, int | float) or not value >= 0:
        raise RoadServerError("road server answered a value that is not a non-negative number")
    return min(round(value), NO_ROUTE)


def _block(
    base: str, points: Sequence[tuple[float, float]], sources: range, targets: range, timeout: float
) -> tuple[list[list[int]], list[list[int]]]:
    ids = sorted(set(sources) | set(targets))
    where = {p: k for k, p in enumerate(ids)}
    coords = ";".join(f"{points[p][1]:.6f},{points[p][0]:.6f}" for p in ids)
    query = urllib.parse.urlencode(
        {
            "sources": ";".join(str(where[p]) for p in sources),
            "destinations": ";".join(str(where[p]) for p in targets),
            "annotations": "duration,distance",
        }
    )
    answer = _fetch(f"{base}/table/v1/driving/{coords}?{query}", timeout)
    durations, distances = answer.get("durations"), answer.get("distances")
    shape_ok = all(
        isinstance(m, list)
        and len(m) == len(sources)
        and all(isinstance(row, list) and len(row) == len(targets) for row in m)
        for m in (durations, distances)
    )
    if not shape_ok:
        raise RoadServerError("road server answered a table of the wrong shape (durations and distances)")
    assert isinstance(durations, list) and isinstance(distances, list)
    return (
        [[_cell(v) for v in row] for row in distances],
        [[_cell(v) for v in row] for row in durations],
    )


def road_matrices(
    url: str, points: Sequence[tuple[float, float]], *, timeout: float = TIMEOUT_S, block: int = BLOCK
) -> tuple[IntMatrix, IntMatrix]:
    """(metres, seconds) between every pair of ``(lat, lon)`` points, from the OSRM server at ``url``."""
    base = url.rstrip("/")
    n = len(points)
    metres = np.zeros((n, n), dtype=np.int64)
    seconds = np.zeros((n, n), dtype=np.int64)
    for i in range(0, n, block):
        for j in range(0, n, block):
            rows, cols = range(i, min(i + block, n)), range(j, min(j + block, n))
            dist, dur = _block(base, points, rows, cols, timeout)
            metres[i : rows.stop, j : cols.stop] = np.asarray(dist, dtype=np.int64)
            seconds[i : rows.stop, j : cols.stop] = np.asarray(dur, dtype=np.int64)
    np.fill_diagonal(metres, 0)
    np.fill_diagonal(seconds, 0)
    return metres, seconds


def osrm_travel(url: str, *, timeout: float = TIMEOUT_S, block: int = BLOCK) -> Travel:
    """A travel source for :func:`mutualaid.deliveries.routing.plan` backed by the OSRM server at ``url``."""

    def travel(points: Sequence[tuple[float, float]]) -> tuple[IntMatrix, IntMatrix]:
        return road_matrices(url, points, timeout=timeout, block=block)

    return travel
