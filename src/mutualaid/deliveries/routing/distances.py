"""Integer distance (metres) and travel time (seconds) matrices, exactly as the format defines.

``km = haversine(lat1, lon1, lat2, lon2) * circuity`` with Earth radius 6371.0088 km; metres
``round(1000 * km)``, seconds ``round(3600 * km / speed_kmh)``. numpy computes the matrix; where a
value sits within a hair of a rounding tie, it is recomputed with :mod:`math` in the order the
format's formula reads, so an outside checker in plain Python sees the same integers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

EARTH_RADIUS_KM = 6371.0088
IntMatrix = npt.NDArray[np.int64]
_TIE = 1e-9


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km (plain Python, the reference implementation)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def leg(
    lat1: float, lon1: float, lat2: float, lon2: float, circuity: float, speed_kmh: float
) -> tuple[int, int]:
    """One leg's (metres, seconds), the way the format defines it."""
    km = haversine_km(lat1, lon1, lat2, lon2) * circuity
    return round(1000 * km), round(3600 * km / speed_kmh)


def matrices(
    points: Sequence[tuple[float, float]], circuity: float, speed_kmh: float
) -> tuple[IntMatrix, IntMatrix]:
    """(metres, seconds) between every pair of ``(lat, lon)`` points."""
    n = len(points)
    if n == 0:
        empty = np.zeros((0, 0), dtype=np.int64)
        return empty, empty.copy()
    coords = np.radians(np.asarray(points, dtype=np.float64))
    lat, lon = coords[:, 0], coords[:, 1]
    dp = lat[None, :] - lat[:, None]
    dl = lon[None, :] - lon[:, None]
    a = np.sin(dp / 2) ** 2 + np.cos(lat)[:, None] * np.cos(lat)[None, :] * np.sin(dl / 2) ** 2
    del dp, dl
    np.sqrt(a, out=a)
    np.minimum(a, 1.0, out=a)
    np.arcsin(a, out=a)
    km = a
    km *= 2 * EARTH_RADIUS_KM
    km *= circuity
    metres_f = 1000 * km
    seconds_f = 3600 * km / speed_kmh
    del km, a
    metres = np.rint(metres_f).astype(np.int64)
    seconds = np.rint(seconds_f).astype(np.int64)
    close = (np.abs(metres_f - np.floor(metres_f) - 0.5) < _TIE * np.maximum(1.0, metres_f)) | (
        np.abs(seconds_f - np.floor(seconds_f) - 0.5) < _TIE * np.maximum(1.0, seconds_f)
    )
    for i, j in zip(*np.nonzero(close), strict=True):
        (lat1, lon1), (lat2, lon2) = points[i], points[j]
        m, s = leg(lat1, lon1, lat2, lon2, circuity, speed_kmh)
        metres[i, j], seconds[i, j] = m, s
    np.fill_diagonal(metres, 0)
    np.fill_diagonal(seconds, 0)
    return metres, seconds
