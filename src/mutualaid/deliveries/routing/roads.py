"""Travel times from a road-network server the operator runs (OSRM or Valhalla); no Django.

Two kinds of server, the same behaviour:

* ``osrm_travel(url)`` asks OSRM's ``table`` service,
  ``GET {url}/table/v1/driving/{lon},{lat};...?sources=..&destinations=..&annotations=duration,distance``,
  in blocks small enough for OSRM's default ``max-table-size`` (100 coordinates);
* ``valhalla_travel(url)`` asks Valhalla's matrix service, ``POST {url}/sources_to_targets`` with
  ``{"sources": [{"lat", "lon"}...], "targets": [...], "costing": "auto", "units": "kilometers"}``,
  in blocks within Valhalla's default ``max_matrix_location_pairs`` (2,500 pairs); its answer is
  ``{"sources_to_targets": [[{"distance": km, "time": s, ...}, ...], ...], "units": ...}`` (or, from a
  server asked for the concise form, ``{"sources_to_targets": {"distances": .., "durations": ..}}``).

Each returns a :data:`.problem.Travel`: given the points, integer (metres, seconds) matrices, rounded
like the format's. A pair the server cannot route (``null``) gets :data:`NO_ROUTE` (the solver then
avoids it and the plan's explanations say the stop is too far). Any failure (the server down, an
answer of the wrong shape) raises :class:`RoadServerError`; the caller falls back to the haversine
estimate and says why in the plan's stats. Only coordinates are sent; nothing else about a run leaves
the process.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from mutualaid.deliveries.routing.distances import IntMatrix
from mutualaid.deliveries.routing.problem import Travel

# Far beyond any delivery, far inside int64 sums: a pair the road network does not connect.
NO_ROUTE = 10**9
BLOCK = 50  # sources and destinations per request: at most 100 coordinates
TIMEOUT_S = 10.0
_LOOPBACK = {"localhost", "127.0.0.1", "::1"}
KINDS = ("osrm", "valhalla")
_METRES_PER = {"kilometers": 1000.0, "km": 1000.0, "miles": 1609.344, "mi": 1609.344}


class RoadServerError(RuntimeError):
    """The road server did not answer a usable table."""


def is_loopback(url: str) -> bool:
    """Whether ``url`` names this machine (exact coordinates may go there: they never leave it)."""
    host = urllib.parse.urlsplit(url).hostname or ""
    return host in _LOOPBACK or host.startswith("127.")


def _request(url: str, timeout: float, payload: dict[str, Any] | None = None) -> dict[str, Any]:
    """GET ``url`` (or POST ``payload`` as JSON) and answer the JSON object it returns."""
    headers = {"Accept": "application/json"}
    data = None
    if payload is not None:
        data = json.dumps(payload).encode()
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data=data, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - an operator's URL
            body = response.read(64 * 1024 * 1024)
    except urllib.error.HTTPError as error:
        raise RoadServerError(f"road server refused the request (HTTP {error.code})") from None
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise RoadServerError(f"road server unreachable: {error.__class__.__name__}") from None
    try:
        answer = json.loads(body)
    except ValueError:
        raise RoadServerError("road server answered something that is not JSON") from None
    if not isinstance(answer, dict):
        raise RoadServerError("road server answered something that is not a JSON object")
    return answer


def _fetch(url: str, timeout: float) -> dict[str, Any]:
    answer = _request(url, timeout)
    if answer.get("code") != "Ok":
        code = answer.get("code")
        raise RoadServerError(f"road server refused the table (code {code!r})")
    return answer


def _cell(value: Any, scale: float = 1.0) -> int:
    if value is None:
        return NO_ROUTE
    if isinstance(value, bool) or not isinstance(value, int | float) or not value >= 0:
        raise RoadServerError("road server answered a value that is not a non-negative number")
    return min(round(value * scale), NO_ROUTE)


def _shaped(matrix: Any, rows: int, cols: int) -> bool:
    return (
        isinstance(matrix, list)
        and len(matrix) == rows
        and all(isinstance(row, list) and len(row) == cols for row in matrix)
    )


Block = Callable[
    [str, Sequence[tuple[float, float]], range, range, float], tuple[list[list[int]], list[list[int]]]
]


def _osrm_block(
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


def _valhalla_block(
    base: str, points: Sequence[tuple[float, float]], sources: range, targets: range, timeout: float
) -> tuple[list[list[int]], list[list[int]]]:
    def located(ids: range) -> list[dict[str, float]]:
        return [{"lat": round(points[p][0], 6), "lon": round(points[p][1], 6)} for p in ids]

    payload = {
        "sources": located(sources),
        "targets": located(targets),
        "costing": "auto",
        "units": "kilometers",
    }
    answer = _request(f"{base}/sources_to_targets", timeout, payload)
    if "error_code" in answer or "error" in answer:
        raise RoadServerError(f"road server refused the matrix (error {answer.get('error_code')!r})")
    scale = _METRES_PER.get(str(answer.get("units", "kilometers")))
    if scale is None:
        raise RoadServerError("road server answered distances in units it does not name")
    table = answer.get("sources_to_targets")
    rows, cols = len(sources), len(targets)
    if isinstance(table, dict):  # the concise form ("verbose": false)
        distances, durations = table.get("distances"), table.get("durations")
        if not (_shaped(distances, rows, cols) and _shaped(durations, rows, cols)):
            raise RoadServerError("road server answered a matrix of the wrong shape")
        assert isinstance(distances, list) and isinstance(durations, list)
        return (
            [[_cell(v, scale) for v in row] for row in distances],
            [[_cell(v) for v in row] for row in durations],
        )
    if not isinstance(table, list) or not _shaped(table, rows, cols):
        raise RoadServerError("road server answered a matrix of the wrong shape")
    if not all(isinstance(c, dict) for row in table for c in row):
        raise RoadServerError("road server answered a matrix of the wrong shape")
    metres = [[0] * cols for _ in range(rows)]
    seconds = [[0] * cols for _ in range(rows)]
    for i, row in enumerate(table):
        for j, cell in enumerate(row):
            # Row-ordered; the indices, where given, must agree with the place.
            if cell.get("from_index", i) != i or cell.get("to_index", j) != j:
                raise RoadServerError("road server answered a matrix out of order")
            distance, duration = cell.get("distance"), cell.get("time")
            unroutable = distance is None or duration is None
            metres[i][j] = NO_ROUTE if unroutable else _cell(distance, scale)
            seconds[i][j] = NO_ROUTE if unroutable else _cell(duration)
    return metres, seconds


_BLOCKS: dict[str, Block] = {"osrm": _osrm_block, "valhalla": _valhalla_block}


def road_matrices(
    url: str,
    points: Sequence[tuple[float, float]],
    *,
    timeout: float = TIMEOUT_S,
    block: int = BLOCK,
    kind: str = "osrm",
) -> tuple[IntMatrix, IntMatrix]:
    """(metres, seconds) between every pair of ``(lat, lon)`` points, from the ``kind`` server at ``url``."""
    fetch = _BLOCKS[kind]
    base = url.rstrip("/")
    n = len(points)
    metres = np.zeros((n, n), dtype=np.int64)
    seconds = np.zeros((n, n), dtype=np.int64)
    for i in range(0, n, block):
        for j in range(0, n, block):
            rows, cols = range(i, min(i + block, n)), range(j, min(j + block, n))
            dist, dur = fetch(base, points, rows, cols, timeout)
            metres[i : rows.stop, j : cols.stop] = np.asarray(dist, dtype=np.int64)
            seconds[i : rows.stop, j : cols.stop] = np.asarray(dur, dtype=np.int64)
    np.fill_diagonal(metres, 0)
    np.fill_diagonal(seconds, 0)
    return metres, seconds


def road_travel(kind: str, url: str, *, timeout: float = TIMEOUT_S, block: int = BLOCK) -> Travel:
    """A travel source for :func:`mutualaid.deliveries.routing.plan` backed by the ``kind`` server at ``url``."""
    if kind not in _BLOCKS:
        raise ValueError(f"unknown road server kind {kind!r} (one of {', '.join(KINDS)})")

    def travel(points: Sequence[tuple[float, float]]) -> tuple[IntMatrix, IntMatrix]:
        return road_matrices(url, points, timeout=timeout, block=block, kind=kind)

    return travel


def osrm_travel(url: str, *, timeout: float = TIMEOUT_S, block: int = BLOCK) -> Travel:
    """Travel times from the OSRM server at ``url`` (its ``table`` service)."""
    return road_travel("osrm", url, timeout=timeout, block=block)


def valhalla_travel(url: str, *, timeout: float = TIMEOUT_S, block: int = BLOCK) -> Travel:
    """Travel times from the Valhalla server at ``url`` (its ``sources_to_targets`` matrix service)."""
    return road_travel("valhalla", url, timeout=timeout, block=block)
