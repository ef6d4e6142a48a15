"""Small random instances for property tests, and an independent brute-force reference."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from hypothesis import strategies as st
from scipy.optimize import linprog

R_KM = 6371.0088
BASE = datetime(2026, 11, 25, tzinfo=UTC)


def window() -> st.SearchStrategy[list[str] | None]:
    def build(start: int, length: int) -> list[str]:
        a = BASE + timedelta(hours=start)
        return [a.isoformat(), (a + timedelta(hours=length)).isoformat()]

    return st.one_of(st.none(), st.builds(build, st.integers(0, 48), st.integers(0, 12)))


def _point() -> st.SearchStrategy[tuple[float, float]]:
    # About 20 km across, so distances straddle typical limits; coarse grid gives ties.
    return st.tuples(
        st.integers(0, 40).map(lambda v: 40.60 + v * 0.004),
        st.integers(0, 40).map(lambda v: -74.05 + v * 0.005),
    )


@st.composite
def instances(draw: st.DrawFn, max_needs: int = 9, max_offers: int = 9) -> dict[str, Any]:
    categories = draw(
        st.lists(st.sampled_from(["food", "rides", "care"]), min_size=1, max_size=2, unique=True)
    )
    params: dict[str, Any] = {
        "max_km": draw(st.sampled_from([3.0, 8.0, 15.0])),
        "value_km": draw(st.sampled_from([5.0, 20.0, 50.0])),
        "urgency_factor": {"flexible": 1.0, "week": 2.0, "today": 4.0},
        "value_km_per_waiting_day": draw(st.sampled_from([0.0, 1.5, 5.0])),
    }
    needs = []
    for i in range(draw(st.integers(0, max_needs))):
        lat, lon = draw(_point())
        item: dict[str, Any] = {
            "id": f"n{i}",
            "category": draw(st.sampled_from(categories)),
            "lat": lat,
            "lon": lon,
            "quantity": draw(st.integers(1, 3)),
            "urgency": draw(st.sampled_from(["flexible", "week", "today"])),
            "waiting_days": draw(st.sampled_from([0, 0.5, 2, 7.25])),
        }
        w = draw(window())
        if w is not None:
            item["window"] = w
        needs.append(item)
    offers = []
    for j in range(draw(st.integers(0, max_offers))):
        lat, lon = draw(_point())
        item = {
            "id": f"o{j}",
            "category": draw(st.sampled_from(categories)),
            "lat": lat,
            "lon": lon,
            "capacity": draw(st.integers(1, 4)),
        }
        reach = draw(st.one_of(st.none(), st.sampled_from([1.0, 4.0, 30.0])))
        if reach is not None:
            item["max_km"] = reach
        w = draw(window())
        if w is not None:
            item["window"] = w
        offers.append(item)
    return {"params": params, "needs": needs, "offers": offers}


def haversine(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * R_KM * math.asin(math.sqrt(min(1.0, a)))


def priority(obj: dict[str, Any], need: dict[str, Any]) -> float:
    p = obj["params"]
    return p["value_km"] * p["urgency_factor"][need.get("urgency", "flexible")] + p[
        "value_km_per_waiting_day"
    ] * need.get("waiting_days", 0)


def overlap(a: dict[str, Any], b: dict[str, Any]) -> bool:
    if "window" not in a or "window" not in b:
        return True
    s1, e1 = (datetime.fromisoformat(x) for x in a["window"])
    s2, e2 = (datetime.fromisoformat(x) for x in b["window"])
    return s1 <= e2 and s2 <= e1


def feasible_pairs(obj: dict[str, Any]) -> dict[tuple[str, str], tuple[float, int]]:
    """Every feasible pair with a positive score, by plain loops: (need, offer) -> (km, score)."""
    out = {}
    for n in obj["needs"]:
        for o in obj["offers"]:
            if n["category"] != o["category"] or not overlap(n, o):
                continue
            d = haversine(n["lat"], n["lon"], o["lat"], o["lon"])
            limit = min(obj["params"]["max_km"], o.get("max_km", math.inf))
            score = round(1000 * (priority(obj, n) - d))
            if d <= limit and score > 0:
                out[(n["id"], o["id"])] = (d, score)
    return out


def reference_optimum(
    obj: dict[str, Any], exclude: set[tuple[str, str]] | frozenset[tuple[str, str]] = frozenset()
) -> int:
    """Optimum by linear programming (scipy HiGHS) on the full feasible graph (less `exclude`). The
    constraint matrix is that of a bipartite graph, hence totally unimodular: the LP optimum is integral."""
    pairs = {k: v for k, v in feasible_pairs(obj).items() if k not in exclude}
    if not pairs:
        return 0
    keys = sorted(pairs)
    need_row = {n["id"]: r for r, n in enumerate(obj["needs"])}
    offer_row = {o["id"]: len(need_row) + r for r, o in enumerate(obj["offers"])}
    a = np.zeros((len(need_row) + len(offer_row), len(keys)))
    for col, (n, o) in enumerate(keys):
        a[need_row[n], col] = 1
        a[offer_row[o], col] = 1
    b = [n.get("quantity", 1) for n in obj["needs"]] + [o.get("capacity", 1) for o in obj["offers"]]
    c = -np.array([pairs[k][1] for k in keys], dtype=float)
    res = linprog(c, A_ub=a, b_ub=b, bounds=(0, None), method="highs")
    assert res.status == 0
    return round(-res.fun)
