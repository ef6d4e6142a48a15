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


def force_pricing(monkeypatch: pytest.MonkeyPatch, per_item: int) -> None:
    # Tiny seeds and few pairs added per need: many rounds, many truncated needs.
    monkeypatch.setattr(engine, "_DENSE_PAIRS_LIMIT", 0)
    monkeypatch.setattr(engine, "_SEED_OFFERS_PER_NEED", 1)
    monkeypatch.setattr(engine, "_SEED_NEEDS_PER_OFFER", 1)
    monkeypatch.setattr(engine, "_PRICED_PER_ITEM", per_item)


@SETTINGS
@given(instances(max_needs=14, max_offers=14))
def test_incremental_pricing_reaches_the_full_graph_optimum(obj: dict[str, Any]) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        force_pricing(monkeypatch, per_item=1)
        out = solve(parse_instance(obj))
    assert_valid(obj, out)
    assert out["objective"] == reference_optimum(obj)


def test_incremental_and_full_pricing_agree_on_a_generated_instance(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    from gen_instance import generate  # type: ignore[import-not-found]  # bench/ is not a package

    text = io.StringIO()
    generate(2500, 1500, 3, text)
    instance = load_instance(text.getvalue())
    force_pricing(monkeypatch, per_item=2)
    incremental = engine.solve_assignment(instance, workers=1)
    monkeypatch.setattr(engine, "_INCREMENTAL_PRICING", False)
    full = engine.solve_assignment(instance, workers=1)
    assert incremental.stats["max_pricing_rounds"] > 2
    assert incremental.objective == full.objective
