"""The suggestion index returns exactly the brute-force top-k, in order."""

from __future__ import annotations

import time
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from mutualaid.matching.suggestions import SuggestionIndex

from .strategies import feasible_pairs, instances


def brute_force(obj: dict[str, Any], kind: str, item_id: str, k: int) -> list[tuple[str, int]]:
    pairs = feasible_pairs(obj)
    position = {x["id"]: p for p, x in enumerate(obj["offers" if kind == "need" else "needs"])}
    rows = []
    for (n, o), (km, score) in pairs.items():
        if kind == "need" and n == item_id:
            rows.append((-score, km, position[o], o, score))
        if kind == "offer" and o == item_id:
            rows.append((-score, km, position[n], n, score))
    rows.sort()
    return [(r[3], r[4]) for r in rows[:k]]


@settings(max_examples=40, deadline=None)
@given(instances(max_needs=25, max_offers=25), st.integers(1, 6))
def test_suggestions_equal_brute_force(obj: dict[str, Any], k: int) -> None:
    index = SuggestionIndex(obj["needs"], obj["offers"], obj["params"])
    for need in obj["needs"]:
        got = [(s["offer"], s["score"]) for s in index.suggest_for_need(need, k=k)]
        assert got == brute_force(obj, "need", need["id"], k)
    for offer in obj["offers"]:
        got = [(s["need"], s["score"]) for s in index.suggest_for_offer(offer, k=k)]
        assert got == brute_force(obj, "offer", offer["id"], k)


def test_unknown_category_has_no_suggestions() -> None:
    index = SuggestionIndex(
        [{"id": "n", "category": "food", "lat": 0.0, "lon": 0.0}],
        [{"id": "o", "category": "food", "lat": 0.0, "lon": 0.0}],
    )
    assert index.suggest_for_need({"category": "rides", "lat": 0.0, "lon": 0.0}) == []
    assert index.suggest_for_offer({"category": "food", "lat": 0.0, "lon": 0.0}) == [
        {"need": "n", "km": 0.0, "score": 50_000}
    ]


def _city(rng: np.random.Generator, n: int, prefix: str) -> list[dict[str, Any]]:
    lat = 40.7 + rng.normal(0, 0.08, n)
    lon = -73.9 + rng.normal(0, 0.1, n)
    cats = rng.choice(["food", "rides", "care"], n, p=[0.6, 0.3, 0.1])
    urg = rng.choice(["flexible", "week", "today"], n)
    return [
        {
            "id": f"{prefix}{i}",
            "category": str(cats[i]),
            "lat": float(lat[i]),
            "lon": float(lon[i]),
            "urgency": str(urg[i]),
            "waiting_days": float(rng.exponential(3)),
        }
        for i in range(n)
    ]


def test_queries_are_fast_at_100k_open_items() -> None:
    rng = np.random.default_rng(3)
    needs, offers = _city(rng, 50_000, "n"), _city(rng, 50_000, "o")
    for offer in offers:
        del offer["urgency"], offer["waiting_days"]
    index = SuggestionIndex(needs, offers)
    probes = _city(rng, 200, "q")
    started = time.perf_counter()
    for probe in probes:
        assert len(index.suggest_for_need(probe)) == 5
        offer = {k: probe[k] for k in ("category", "lat", "lon")}
        assert len(index.suggest_for_offer(offer)) == 5
    per_query = (time.perf_counter() - started) / (2 * len(probes))
    assert per_query < 0.020, f"{per_query * 1000:.1f} ms per query"
