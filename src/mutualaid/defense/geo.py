"""Coarse cells for alerts: H3 resolution 7 (about 5 km²), coarser than the board's ~0.7 km² cells.

A responder or verifier covers every cell whose centre lies within their radius (plus half a cell, so
the cell they stand in always counts); a report is placed in one cell. Matching a report to responders
is then one indexed lookup of that cell, however many responders there are.
"""

from __future__ import annotations

import math

import h3

from mutualaid.core.geo import haversine_km

ALERT_RESOLUTION = 7
EDGE_KM = 1.41  # mean edge of a resolution-7 cell
MIN_RADIUS_KM = 0.5
MAX_RADIUS_KM = 15.0


def alert_cell(cell: str) -> str:
    """The alert cell containing a board cell (any finer resolution), or "" for none."""
    if not cell:
        return ""
    resolution = h3.get_resolution(cell)
    if resolution <= ALERT_RESOLUTION:
        return cell
    return str(h3.cell_to_parent(cell, ALERT_RESOLUTION))


def cells_within(lat: float, lon: float, radius_km: float) -> list[str]:
    """The alert cells within `radius_km` of a point, sorted."""
    centre = h3.latlng_to_cell(lat, lon, ALERT_RESOLUTION)
    rings = max(1, math.ceil(radius_km / (EDGE_KM * 1.5)) + 1)
    found = {str(centre)}
    for cell in h3.grid_disk(centre, rings):
        clat, clon = h3.cell_to_latlng(cell)
        if haversine_km(lat, lon, clat, clon) <= radius_km + EDGE_KM / 2:
            found.add(str(cell))
    return sorted(found)
