"""Generate a synthetic matching instance: clustered cities, skewed categories, mixed supply.

    python bench/gen_instance.py --needs N --offers M --seed S --out FILE [--shape SHAPE]

Cities sit at random places across the continental US with Zipf-like sizes; inside a city,
items cluster in neighbourhoods. Each city has its own supply ratio (some scarce, some
plentiful), categories follow a skewed distribution, and about a third of the items carry
time windows. The same arguments always give the same file.

Other shapes (``--shape``), each a hard case the mixed one hides:

- ``dense-metro``: one metro area of about 45 x 45 km with ~500 clustered neighbourhoods, default
  ``max_km`` 15, 40 % of offers with their own limit of 2-8 km, 30 % of items with time windows over
  five days, ample supply (capacity about twice the quantity asked). Millions of candidate pairs.
- ``sparse-rural``: ~2,000 small towns spread over 800 x 800 km; few feasible pairs per item.
- ``scarce-supply``: the dense metro with a quarter of the units asked on offer.
- ``giant-category``: the dense metro stretched to 90 x 90 km with every item in one category: one
  giant component, nothing to split or run in parallel.
"""

from __future__ import annotations

import argparse
import json
import math
from datetime import UTC, datetime, timedelta
from typing import Any, TextIO

import numpy as np

CATEGORIES = [
    "food",
    "supplies",
    "transportation",
    "childcare",
    "health",
    "housing",
    "skills",
    "money",
    "legal",
    "disaster",
    "defense",
    "other",
]
URGENCIES = ["flexible", "week", "today"]
KM_PER_DEGREE = 111.195
EPOCH = datetime(2026, 11, 20, tzinfo=UTC)


def _cities(rng: np.random.Generator, total: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    count = max(2, min(200, total // 8000))
    lat = rng.uniform(30.0, 47.0, count)
    lon = rng.uniform(-120.0, -75.0, count)
    weight = 1.0 / np.arange(1, count + 1) ** 0.8
    weight /= weight.sum()
    # Per-city supply multiplier: log-uniform between scarce (0.25x) and plentiful (4x).
    supply = np.exp(rng.uniform(math.log(0.25), math.log(4.0), count))
    return lat, lon, weight, supply


def _points(
    rng: np.random.Generator,
    n: int,
    city: np.ndarray,
    clat: np.ndarray,
    clon: np.ndarray,
    hoods: int,
) -> tuple[np.ndarray, np.ndarray]:
    # Neighbourhoods are fixed per city (same seed stream for both sides), items scatter around.
    hood = rng.integers(0, hoods, n)
    hood_rng = np.random.default_rng(12345)
    hood_r = np.sqrt(hood_rng.uniform(0, 1, (len(clat), hoods))) * 18.0
    hood_t = hood_rng.uniform(0, 2 * math.pi, (len(clat), hoods))
    dx = hood_r[city, hood] * np.cos(hood_t[city, hood]) + rng.normal(0, 1.5, n)
    dy = hood_r[city, hood] * np.sin(hood_t[city, hood]) + rng.normal(0, 1.5, n)
    lat = clat[city] + dy / KM_PER_DEGREE
    lon = clon[city] + dx / (KM_PER_DEGREE * np.cos(np.radians(clat[city])))
    return np.round(lat, 5), np.round(lon, 5)


def _windows(rng: np.random.Generator, n: int, share: float) -> list[list[str] | None]:
    has = rng.uniform(0, 1, n) < share
    start = rng.integers(0, 14 * 24, n)  # hour offsets over two weeks
    length = rng.choice([2, 4, 8, 24, 48, 96], n)
    out: list[list[str] | None] = []
    for h, s, ln in zip(has.tolist(), start.tolist(), length.tolist(), strict=True):
        if not h:
            out.append(None)
            continue
        a = EPOCH + timedelta(hours=s)
        b = a + timedelta(hours=ln)
        out.append([a.strftime("%Y-%m-%dT%H:%M:%SZ"), b.strftime("%Y-%m-%dT%H:%M:%SZ")])
    return out


def generate(needs: int, offers: int, seed: int, stream: TextIO) -> None:
    """Write an instance with ``needs`` needs and ``offers`` offers to ``stream``."""
    rng = np.random.default_rng(seed)
    clat, clon, weight, supply = _cities(rng, needs + offers)
    cat_weight = 1.0 / np.arange(1, len(CATEGORIES) + 1) ** 1.1
    cat_weight /= cat_weight.sum()
    hoods = 12

    need_city = rng.choice(len(clat), needs, p=weight)
    offer_weight = weight * supply
    offer_weight /= offer_weight.sum()
    offer_city = rng.choice(len(clat), offers, p=offer_weight)

    stream.write(
        '{"params": '
        + json.dumps(
            {
                "max_km": 15.0,
                "value_km": 50.0,
                "urgency_factor": {"flexible": 1.0, "week": 2.0, "today": 4.0},
                "value_km_per_waiting_day": 5.0,
            }
        )
        + ',\n"needs": ['
    )
    lat, lon = _points(rng, needs, need_city, clat, clon, hoods)
    cat = rng.choice(len(CATEGORIES), needs, p=cat_weight)
    qty = rng.choice([1, 1, 1, 1, 2, 2, 3, 5], needs)
    urg = rng.choice(3, needs, p=[0.6, 0.25, 0.15])
    wait = np.round(rng.exponential(3.0, needs), 1)
    win = _windows(rng, needs, 0.35)
    for i in range(needs):
        item: dict[str, Any] = {
            "id": f"n{i}",
            "category": CATEGORIES[cat[i]],
            "lat": float(lat[i]),
            "lon": float(lon[i]),
            "quantity": int(qty[i]),
            "urgency": URGENCIES[urg[i]],
            "waiting_days": float(wait[i]),
        }
        if win[i] is not None:
            item["window"] = win[i]
        stream.write(("\n" if i == 0 else ",\n") + json.dumps(item, separators=(",", ":")))
    stream.write('],\n"offers": [')
    lat, lon = _points(rng, offers, offer_city, clat, clon, hoods)
    cat = rng.choice(len(CATEGORIES), offers, p=cat_weight)
    cap = rng.choice([1, 1, 2, 3, 5, 10], offers)
    own = rng.uniform(0, 1, offers) < 0.5
    reach = np.round(rng.uniform(2.0, 10.0, offers), 1)
    win = _windows(rng, offers, 0.35)
    for j in range(offers):
        item = {
            "id": f"o{j}",
            "category": CATEGORIES[cat[j]],
            "lat": float(lat[j]),
            "lon": float(lon[j]),
            "capacity": int(cap[j]),
        }
        if own[j]:
            item["max_km"] = float(reach[j])
        if win[j] is not None:
            item["window"] = win[j]
        stream.write(("\n" if j == 0 else ",\n") + json.dumps(item, separators=(",", ":")))
    stream.write("]}\n")


SHAPES = ("mixed", "dense-metro", "sparse-rural", "scarce-supply", "giant-category")


def _window_strings(rng: np.random.Generator, n: int, share: float, days: int) -> list[list[str] | None]:
    has = rng.uniform(0, 1, n) < share
    start = rng.integers(0, days * 24, n)
    length = rng.choice([2, 4, 8, 24], n)
    out: list[list[str] | None] = []
    for h, s, ln in zip(has.tolist(), start.tolist(), length.tolist(), strict=True):
        if not h:
            out.append(None)
            continue
        a = EPOCH + timedelta(hours=s)
        b = a + timedelta(hours=ln)
        out.append([a.strftime("%Y-%m-%dT%H:%M:%SZ"), b.strftime("%Y-%m-%dT%H:%M:%SZ")])
    return out


def generate_shape(shape: str, needs: int, offers: int, seed: int, stream: TextIO) -> None:
    """Write an instance of one of the named shapes (see the module docstring)."""
    if shape == "mixed":
        generate(needs, offers, seed, stream)
        return
    rng = np.random.default_rng(seed)
    centre_lat, centre_lon = 40.70, -73.95
    side_km, hoods, spread_km = 45.0, 500, 0.9
    if shape == "sparse-rural":
        side_km, hoods, spread_km = 800.0, 2000, 2.5
    elif shape == "giant-category":
        side_km, hoods = 90.0, 2000
    hood_x = rng.uniform(-side_km / 2, side_km / 2, hoods)
    hood_y = rng.uniform(-side_km / 2, side_km / 2, hoods)
    hood_weight = rng.pareto(1.5, hoods) + 1.0
    hood_weight /= hood_weight.sum()
    cat_weight = 1.0 / np.arange(1, len(CATEGORIES) + 1) ** 1.1
    cat_weight /= cat_weight.sum()

    def points(n: int) -> tuple[np.ndarray, np.ndarray]:
        hood = rng.choice(hoods, n, p=hood_weight)
        x = hood_x[hood] + rng.normal(0, spread_km, n)
        y = hood_y[hood] + rng.normal(0, spread_km, n)
        lat = centre_lat + y / KM_PER_DEGREE
        lon = centre_lon + x / (KM_PER_DEGREE * math.cos(math.radians(centre_lat)))
        return np.round(lat, 5), np.round(lon, 5)

    def categories(n: int) -> np.ndarray:
        if shape == "giant-category":
            return np.zeros(n, np.int64)
        return rng.choice(len(CATEGORIES), n, p=cat_weight)

    stream.write('{"params": ' + json.dumps({"max_km": 15.0}) + ',\n"needs": [')
    lat, lon = points(needs)
    cat = categories(needs)
    qty = rng.choice([1, 1, 1, 2, 2, 3], needs)
    urg = rng.choice(3, needs, p=[0.6, 0.25, 0.15])
    wait = np.round(rng.exponential(3.0, needs), 1)
    win = _window_strings(rng, needs, 0.3, 5)
    for i in range(needs):
        item: dict[str, Any] = {
            "id": f"n{i}",
            "category": CATEGORIES[cat[i]],
            "lat": float(lat[i]),
            "lon": float(lon[i]),
            "quantity": int(qty[i]),
            "urgency": URGENCIES[urg[i]],
            "waiting_days": float(wait[i]),
        }
        if win[i] is not None:
            item["window"] = win[i]
        stream.write(("\n" if i == 0 else ",\n") + json.dumps(item, separators=(",", ":")))
    stream.write('],\n"offers": [')
    lat, lon = points(offers)
    cat = categories(offers)
    # Ample: about twice the units asked (mean quantity 1.67 per need); scarce: about a quarter.
    caps = [1] if shape == "scarce-supply" else [1, 2, 3, 4, 5]
    cap = rng.choice(caps, offers)
    if shape == "scarce-supply":
        keep = rng.uniform(0, 1, offers) < 0.42 * needs / max(offers, 1)
    else:
        keep = np.ones(offers, bool)
    own = rng.uniform(0, 1, offers) < 0.4
    reach = np.round(rng.uniform(2.0, 8.0, offers), 1)
    win = _window_strings(rng, offers, 0.3, 5)
    written = 0
    for j in range(offers):
        if not keep[j]:
            continue
        item = {
            "id": f"o{j}",
            "category": CATEGORIES[cat[j]],
            "lat": float(lat[j]),
            "lon": float(lon[j]),
            "capacity": int(cap[j]),
        }
        if own[j]:
            item["max_km"] = float(reach[j])
        if win[j] is not None:
            item["window"] = win[j]
        stream.write(("\n" if written == 0 else ",\n") + json.dumps(item, separators=(",", ":")))
        written += 1
    stream.write("]}\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shape", choices=SHAPES, default="mixed")
    parser.add_argument("--needs", type=int, required=True)
    parser.add_argument("--offers", type=int, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", required=True, help="output file, or - for stdout")
    args = parser.parse_args()
    if args.out == "-":
        import sys

        generate_shape(args.shape, args.needs, args.offers, args.seed, sys.stdout)
    else:
        with open(args.out, "w", encoding="utf-8") as handle:
            generate_shape(args.shape, args.needs, args.offers, args.seed, handle)


if __name__ == "__main__":
    main()
