"""Incremental pricing (later passes only re-check pairs whose duals fell) stays exact."""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mutualaid.matching import engine
from mutualaid.matching.engine import exact, load_instance, parse_instance, solve

from .strategies import instances, reference_optimum
from .test_engine import assert_valid

pytestmark = pytest.mark.pure  # the engine imports nothing from Django: no database here

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def force_pricing(per_item: int, **changes: Any) -> engine.Tuning:
    # Tiny seeds and few pairs added per need: many rounds, many truncated needs.
    return engine.Tuning(
        dense_pairs_limit=0,
        seed_offers_per_need=1,
        seed_needs_per_offer=1,
        priced_per_item=per_item,
        **changes,
    )


@SETTINGS
@given(instances(max_needs=14, max_offers=14))
def test_incremental_pricing_reaches_the_full_graph_optimum(obj: dict[str, Any]) -> None:
    out = solve(parse_instance(obj), tuning=force_pricing(per_item=1))
    assert_valid(obj, out)
    assert out["objective"] == reference_optimum(obj)


def test_incremental_and_full_pricing_agree_on_a_generated_instance() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    from gen_instance import generate  # type: ignore[import-not-found]  # bench/ is not a package

    text = io.StringIO()
    generate(2500, 1500, 3, text)
    instance = load_instance(text.getvalue())
    incremental = engine.solve_assignment(instance, workers=1, tuning=force_pricing(per_item=2))
    full = engine.solve_assignment(
        instance, workers=1, tuning=force_pricing(per_item=2, incremental_pricing=False)
    )
    assert incremental.stats["max_pricing_rounds"] > 2
    assert incremental.objective == full.objective


@SETTINGS
@given(instances(max_needs=14, max_offers=5), instances(max_needs=5, max_offers=14))
def test_pricing_from_either_seed_reaches_the_full_graph_optimum(
    scarce: dict[str, Any], ample: dict[str, Any]
) -> None:
    # Many needs for few offers (supply mostly scarce: seeded from the priority where serving
    # stops) and the other way round; tiny seeds so that pricing does the work, and at most one
    # pair added per offer in a pass (the needs left out are re-checked at the next).
    for obj in (scarce, ample):
        best = reference_optimum(obj)
        for scarce_seed, per_offer in ((True, 0), (False, 0), (True, 1), (False, 1)):
            tuning = force_pricing(per_item=2, scarce_seed=scarce_seed, priced_per_offer=per_offer)
            out = solve(parse_instance(obj), tuning=tuning)
            assert_valid(obj, out)
            assert out["objective"] == best


@SETTINGS
@given(
    instances(max_needs=16, max_offers=6),
    instances(max_needs=6, max_offers=16),
    st.sampled_from([0.0, 3.0, 100.0]),
    st.sampled_from([0.0, 6.0, 100.0]),
    st.integers(1, 4),
    st.integers(1, 4),
)
def test_the_scarce_seed_reaches_the_reference_optimum(
    scarce: dict[str, Any],
    ample: dict[str, Any],
    below_km: float,
    band_km: float,
    offers_per_need: int,
    needs_per_offer: int,
) -> None:
    # Whatever the seed's band and sizes (an empty band, needs far below the threshold left
    # out, everything in), pricing completes the graph and the certificate proves the optimum;
    # on ample parts the scarce seed is not used and nothing changes.
    tuning = engine.Tuning(
        dense_pairs_limit=0,
        scarce_below_km=below_km,
        scarce_band_km=band_km,
        scarce_offers_per_need=offers_per_need,
        scarce_needs_per_offer=needs_per_offer,
        priced_per_item=2,
    )
    for obj in (scarce, ample):
        out = solve(parse_instance(obj), tuning=tuning)
        assert_valid(obj, out)
        assert out["objective"] == reference_optimum(obj)


def _scarce_part(needs: list[tuple[float, float, int]], offers: list[tuple[float, float]]) -> Any:
    """A one-category part: needs (lon, waiting days, quantity) and offers (lon, own limit km)
    along the equator, value_km 10 so priority is 10 + 5 * waiting days."""
    obj = {
        "params": {"max_km": 15.0, "value_km": 10.0, "value_km_per_waiting_day": 5.0},
        "needs": [
            {"id": f"n{i}", "category": "food", "lat": 0.0, "lon": lon, "quantity": q, "waiting_days": w}
            for i, (lon, w, q) in enumerate(needs)
        ],
        "offers": [
            {"id": f"o{j}", "category": "food", "lat": 0.0, "lon": lon, "capacity": 1, "max_km": reach}
            for j, (lon, reach) in enumerate(offers)
        ],
    }
    instance = parse_instance(obj)
    tuning = engine.Tuning(dense_pairs_limit=0, scarce_below_km=3.0, scarce_band_km=6.0)
    return exact._Part.slice(
        instance, np.arange(len(needs), dtype=np.int64), np.arange(len(offers), dtype=np.int64), tuning
    )


def test_the_scarce_seed_starts_from_where_serving_stops() -> None:
    # Priorities 60, 35, 30, 24, 10 (units 1, 2, 1, 1, 1) against 3 offers: the three units most
    # valuable first end at the need of priority 35, so serving stops there.
    km = 1 / 111.195  # degrees of longitude per km on the equator
    part = _scarce_part(
        [(0.0, 10, 1), (2 * km, 5, 2), (4 * km, 4, 1), (6 * km, 2.8, 1), (1 * km, 0, 1)],
        [(1 * km, 15.0), (3 * km, 15.0), (5 * km, 1.5)],
    )
    assert exact._scarce_threshold(part) == 35.0
    pairs = exact._seed_pairs(part)
    seeded = set(zip(pairs.need.tolist(), pairs.offer.tolist(), strict=True))
    # Needs at or above 35 - 3 get their nearest offers in range; 24 and 10 get none of theirs.
    assert {0, 1, 2} <= {i for i, _ in seeded}
    assert (4, 0) not in seeded  # priority 10: far below, not in the band either
    # Each offer is joined to its nearest needs in the band [29, 35] within its own limit: the
    # offer limited to 1.5 km reaches the need at 4 km (priority 30) but not the one at 2 km.
    assert (2, 2) in seeded and (1, 2) not in seeded
    # Ample supply keeps the other seed (no threshold).
    ample = _scarce_part([(0.0, 1, 1)], [(1 * km, 15.0), (3 * km, 15.0)])
    assert exact._scarce_threshold(ample) is None


@SETTINGS
@given(instances(max_needs=14, max_offers=14), st.integers(0, 2**32 - 1))
def test_both_pricing_searches_find_the_same_violating_pairs(obj: dict[str, Any], seed: int) -> None:
    # Ample parts are priced by one ball query per need, scarce ones by 5-D range queries between
    # grid cells; under any prices (served needs near their match, unserved ones at P, offers
    # with or without a price) both find every pair with score > u_i + v_j.
    instance = parse_instance(obj)
    part = exact._Part.slice(
        instance,
        np.arange(len(instance.needs), dtype=np.int64),
        np.arange(len(instance.offers), dtype=np.int64),
    )
    rng = np.random.default_rng(seed)
    top = np.rint(1000 * part.priority).astype(np.int64)
    u = np.where(rng.random(len(top)) < 0.5, 0, rng.integers(0, top + 1))
    v = np.where(rng.random(len(part.capacity)) < 0.5, 0, rng.integers(0, 200_000, len(part.capacity)))
    a = (1000.0 * part.priority - u + 0.5) / 1000.0
    b = v / 1000.0
    needs = np.arange(len(top), dtype=np.int64)
    offers = np.arange(len(v), dtype=np.int64)

    def violating(search: Any) -> set[tuple[int, int]]:
        found: set[tuple[int, int]] = set()
        for need, offer in search(part, a, b, needs, offers):
            pairs = part.feasible(need, offer)
            bad = pairs.score > u[pairs.need] + v[pairs.offer]
            found |= set(zip(pairs.need[bad].tolist(), pairs.offer[bad].tolist(), strict=True))
        return found

    every = part.feasible(*np.divmod(np.arange(len(top) * len(v), dtype=np.int64), len(v)))
    truth = every.score > u[every.need] + v[every.offer]
    expected = set(zip(every.need[truth].tolist(), every.offer[truth].tolist(), strict=True))
    assert violating(exact._ball_pairs) == violating(exact._range_pairs) == expected
