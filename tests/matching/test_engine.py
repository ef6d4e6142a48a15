"""The engine's assignments are feasible, optimal over the full graph, and deterministic."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mutualaid.matching import engine
from mutualaid.matching.engine import Tuning, greedy, load_instance, parse_instance, solve

from .strategies import feasible_pairs, instances, reference_optimum

pytestmark = pytest.mark.pure  # the engine imports nothing from Django: no database here

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# The sparse-graph + dual-pricing path even on tiny components.
FORCE_PRICING = Tuning(dense_pairs_limit=0, seed_offers_per_need=1, seed_needs_per_offer=1)


def assert_valid(obj: dict[str, Any], out: dict[str, Any]) -> None:
    pairs = feasible_pairs(obj)
    quantity = {n["id"]: n.get("quantity", 1) for n in obj["needs"]}
    capacity = {o["id"]: o.get("capacity", 1) for o in obj["offers"]}
    taken: Counter[str] = Counter()
    given_: Counter[str] = Counter()
    total = 0
    for row in out["assignments"]:
        key = (row["need"], row["offer"])
        assert key in pairs, f"infeasible pair {key}"
        km, score = pairs[key]
        assert row["score"] == score > 0
        assert row["km"] == pytest.approx(km, abs=1e-3)
        assert isinstance(row["units"], int) and row["units"] > 0
        taken[row["need"]] += row["units"]
        given_[row["offer"]] += row["units"]
        total += row["units"] * row["score"]
    assert all(taken[n] <= quantity[n] for n in taken)
    assert all(given_[o] <= capacity[o] for o in given_)
    assert out["objective"] == total
    assert out["matched_units"] == sum(taken.values())
    assert out["unmatched_needs"] == [n["id"] for n in obj["needs"] if taken[n["id"]] == 0]
    assert len({(r["need"], r["offer"]) for r in out["assignments"]}) == len(out["assignments"])


@SETTINGS
@given(instances())
def test_solution_is_feasible_and_optimal(obj: dict[str, Any]) -> None:
    out = solve(parse_instance(obj))
    assert_valid(obj, out)
    assert out["objective"] == reference_optimum(obj)


@SETTINGS
@given(instances(max_needs=14, max_offers=14))
def test_pricing_path_reaches_the_full_graph_optimum(obj: dict[str, Any]) -> None:
    # Force the sparse-graph + dual-pricing path even on tiny components.
    out = solve(parse_instance(obj), tuning=FORCE_PRICING)
    assert_valid(obj, out)
    assert out["objective"] == reference_optimum(obj)


@SETTINGS
@given(instances())
def test_never_below_greedy(obj: dict[str, Any]) -> None:
    instance = parse_instance(obj)
    baseline = greedy(instance)
    assert_valid(obj, baseline)
    assert solve(instance)["objective"] >= baseline["objective"]


@SETTINGS
@given(instances())
def test_deterministic(obj: dict[str, Any]) -> None:
    first = solve(parse_instance(obj))
    second = solve(load_instance(json.dumps(obj)))
    first["stats"] = second["stats"] = None
    assert first == second


def test_spec_example() -> None:
    obj = {
        "needs": [
            {
                "id": "n1",
                "category": "food",
                "lat": 40.6712,
                "lon": -73.9448,
                "quantity": 2,
                "urgency": "today",
                "waiting_days": 3.5,
                "window": ["2026-11-25T10:00:00Z", "2026-11-26T18:00:00Z"],
            },
        ],
        "offers": [
            {
                "id": "o7",
                "category": "food",
                "lat": 40.6650,
                "lon": -73.9500,
                "capacity": 5,
                "max_km": 4.0,
                "window": ["2026-11-25T17:00:00Z", "2026-11-25T20:00:00Z"],
            },
        ],
    }
    out = solve(parse_instance(obj))
    # P = 50 * 4 + 5 * 3.5 = 217.5, d = 0.8168 km
    # km is printed at full precision, so an outside checker can recompute the score from it.
    [row] = out["assignments"]
    assert row == {"need": "n1", "offer": "o7", "units": 2, "km": row["km"], "score": 216683}
    assert row["km"] == pytest.approx(0.8170879166, abs=1e-9)
    assert round(1000 * (217.5 - row["km"])) == row["score"]
    assert out["objective"] == 433366
    assert out["unmatched_needs"] == []


def test_urgent_need_wins_the_scarce_offer() -> None:
    obj = {
        "needs": [
            {"id": "near", "category": "food", "lat": 40.0, "lon": -74.0},
            {"id": "urgent", "category": "food", "lat": 40.05, "lon": -74.0, "urgency": "today"},
        ],
        "offers": [{"id": "o", "category": "food", "lat": 40.0, "lon": -74.0}],
    }
    out = solve(parse_instance(obj))
    assert [(r["need"], r["offer"]) for r in out["assignments"]] == [("urgent", "o")]
    assert out["unmatched_needs"] == ["near"]


def test_parallel_matches_serial(monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    from gen_instance import generate  # type: ignore[import-not-found]  # bench/ is not a package

    text = io.StringIO()
    generate(3000, 2500, 7, text)
    instance = load_instance(text.getvalue())
    parallel = engine.solve_assignment(
        instance, workers=2, tuning=engine.Tuning(parallel_min_items=0, task_items=500)
    )
    serial = engine.solve_assignment(instance, workers=1)
    assert parallel.stats["workers"] == 2
    assert parallel.objective == serial.objective
    assert parallel.to_output()["assignments"] == serial.to_output()["assignments"]
    assert parallel.objective >= engine.greedy_assignment(instance).objective


@SETTINGS
@given(instances(), st.data())
def test_excluded_pairs_are_never_used_and_the_rest_stays_optimal(
    obj: dict[str, Any], data: st.DataObject
) -> None:
    pairs = sorted(feasible_pairs(obj))
    excluded = set(data.draw(st.lists(st.sampled_from(pairs), unique=True)) if pairs else [])
    out = solve(parse_instance(obj, exclude_pairs=excluded), workers=1)
    assert_valid(obj, out)
    assert not {(r["need"], r["offer"]) for r in out["assignments"]} & excluded
    assert out["objective"] == reference_optimum(obj, exclude=excluded)
    greedy_out = greedy(parse_instance(obj, exclude_pairs=excluded))
    assert not {(r["need"], r["offer"]) for r in greedy_out["assignments"]} & excluded


def test_excluding_unknown_ids_changes_nothing() -> None:
    obj = {
        "needs": [{"id": "n1", "category": "food", "lat": 40.67, "lon": -73.94}],
        "offers": [{"id": "o1", "category": "food", "lat": 40.67, "lon": -73.95}],
    }
    assert (
        solve(parse_instance(obj, exclude_pairs={("n9", "o1"), ("n1", "o9")}), workers=1)["matched_units"]
        == 1
    )
    assert solve(parse_instance(obj, exclude_pairs={("n1", "o1")}), workers=1)["matched_units"] == 0


@SETTINGS
@given(instances(max_needs=14, max_offers=14), st.data())
def test_pricing_path_respects_excluded_pairs(obj: dict[str, Any], data: st.DataObject) -> None:
    pairs = sorted(feasible_pairs(obj))
    excluded = set(data.draw(st.lists(st.sampled_from(pairs), unique=True)) if pairs else [])
    out = solve(parse_instance(obj, exclude_pairs=excluded), workers=1, tuning=FORCE_PRICING)
    assert_valid(obj, out)
    assert not {(r["need"], r["offer"]) for r in out["assignments"]} & excluded
    assert out["objective"] == reference_optimum(obj, exclude=excluded)
