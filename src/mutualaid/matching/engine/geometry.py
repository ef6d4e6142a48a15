"""Distances, scores and the spatial helpers (3-D points, grid cells) the solvers share."""

from __future__ import annotations

import math

import numpy as np

from .instance import FloatArray, IntArray

EARTH_RADIUS_KM = 6371.0088
# Slack (km) added to every spatial radius so float rounding never hides a pair.
_RADIUS_SLACK_KM = 1e-6
# numpy's arcsin differs from math.asin in the last bit for about one argument in twelve. Where
# that bit could decide something (a distance this close to its limit, or a score this close to
# a rounding tie) the distance is recomputed with ``math``, so a pair placed exactly at the limit
# by an outside tool is judged as plain Python judges it (see _close_calls).
_CLOSE_CALL_KM = 1e-9
_CLOSE_CALL_SCORE = 1e-6


def haversine_km(
    lat1: FloatArray | float, lon1: FloatArray | float, lat2: FloatArray | float, lon2: FloatArray | float
) -> FloatArray:
    """Great-circle distance in km (haversine, Earth radius 6371.0088 km); arguments in degrees."""
    phi1 = np.radians(lat1)
    phi2 = np.radians(lat2)
    half_dphi = 0.5 * (phi2 - phi1)
    half_dlam = 0.5 * np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(half_dphi) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(half_dlam) ** 2
    return np.asarray(2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0))))


def scores(priority: FloatArray, km: FloatArray) -> IntArray:
    """``round(1000 * (P - d))`` as integers (round half to even, like Python's ``round``)."""
    return np.rint(1000.0 * (priority - km)).astype(np.int64)


def _xyz_km(lat: FloatArray, lon: FloatArray) -> FloatArray:
    """Points on the sphere of radius 6371.0088 km; their chord is never longer than the arc."""
    phi = np.radians(lat)
    lam = np.radians(lon)
    cos_phi = np.cos(phi)
    out = np.empty((len(lat), 3))
    out[:, 0] = cos_phi * np.cos(lam)
    out[:, 1] = cos_phi * np.sin(lam)
    out[:, 2] = np.sin(phi)
    out *= EARTH_RADIUS_KM
    return out


def _math_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """:func:`haversine_km` for one pair, with ``math`` (the same operations in the same order)."""
    phi1 = math.radians(lat1)
    phi2 = math.radians(lat2)
    half_dphi = 0.5 * (phi2 - phi1)
    half_dlam = 0.5 * math.radians(lon2 - lon1)
    a = math.sin(half_dphi) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(half_dlam) ** 2
    return 2.0 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(max(a, 0.0), 1.0)))


def _close_calls(km: FloatArray, reach: FloatArray, priority: FloatArray) -> IntArray:
    """Positions of the distances whose last bit could flip a decision: within ``_CLOSE_CALL_KM``
    of the pair's limit, or with ``1000 (P - d)`` near a half. The caller recomputes them with
    ``math``; they are rare (pairs an outside tool placed at the limit on purpose). Works in one
    scratch array, as this runs over millions of candidate pairs."""
    scratch = np.subtract(priority, km)
    scratch *= 1000.0
    scratch -= np.floor(scratch)
    scratch -= 0.5
    np.abs(scratch, out=scratch)
    close = scratch <= _CLOSE_CALL_SCORE
    np.subtract(km, reach, out=scratch)
    np.abs(scratch, out=scratch)
    close |= scratch <= _CLOSE_CALL_KM
    return np.flatnonzero(close)


def _chord_for(km: float) -> float:
    """Chord length of an arc of ``km`` km, padded so boundary pairs are never missed."""
    half_angle = min(km / (2.0 * EARTH_RADIUS_KM), math.pi / 2)
    return 2.0 * EARTH_RADIUS_KM * math.sin(half_angle) * (1 + 1e-9) + _RADIUS_SLACK_KM
