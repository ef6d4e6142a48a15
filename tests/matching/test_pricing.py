"""Incremental pricing (later passes only re-check pairs whose duals fell) stays exact."""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from mutualaid.matching import engine
from mutualaid.matching.engine import load_instance, parse_instance, solve

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
def test_pricing_from_either_side_reaches_the_full_graph_optimum(
    scarce: dict[str, Any], ample: dict[str, Any]
) -> None:
    # Many needs for few offers (supply mostly scarce, priced with the offers' highest prices)
    # and the other way round; tiny seeds so that pricing does the work, and at most one pair
    # added per offer in a pass (the needs left out are re-checked at the next).
    for obj in (scarce, ample):
        best = reference_optimum(obj)
        for offer_side, per_offer in ((True, 0), (False, 0), (False, 1)):
            tuning = force_pricing(per_item=2, offer_side_duals=offer_side, priced_per_offer=per_offer)
            out = solve(parse_instance(obj), tuning=tuning)
            assert_valid(obj, out)
            assert out["objective"] == best
