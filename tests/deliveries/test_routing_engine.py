"""The planner against its contract: every plan checked from the integers by an independent checker."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mutualaid.deliveries.routing import load_instance, plan
from mutualaid.deliveries.routing.distances import leg, matrices
from tests.deliveries.routing_check import check

pytestmark = pytest.mark.pure

HUB = {"id": "hub", "lat": 40.6694, "lon": -73.9422}
DAY = "2026-12-05T"


def solve(obj: dict[str, Any], limit: float = 0.2) -> dict[str, Any]:
    out = plan(load_instance(json.dumps(obj)), time_limit_s=limit)
    check(obj, out)
    return out


def test_the_documented_example_is_served() -> None:
    obj = {
        "depots": [HUB],
        "vehicles": [
            {"id": "v1", "depot": "hub", "capacity": 20, "shift": [DAY + "09:00:00Z", DAY + "13:00:00Z"]}
        ],
        "stops": [
            {
                "id": "s1",
                "lat": 40.6712,
                "lon": -73.9448,
                "demand": 2,
                "service_min": 5,
                "window": [DAY + "10:00:00Z", DAY + "11:00:00Z"],
            },
        ],
    }
    out = solve(obj)
    assert out["unserved"] == []
    (route,) = out["routes"]
    assert route["starts"] == [DAY + "10:00:00Z"]
    metres, _ = leg(40.6694, -73.9422, 40.6712, -73.9448, 1.3, 25.0)
    assert route["distance_m"] == 2 * metres == out["distance_m"]


def test_every_unservable_stop_is_explained() -> None:
    obj = {
        "depots": [HUB],
        "vehicles": [
            {"id": "v1", "depot": "hub", "capacity": 10, "shift": [DAY + "09:00:00Z", DAY + "13:00:00Z"]}
        ],
        "stops": [
            {"id": "big", "lat": 40.68, "lon": -73.95, "demand": 11},
            {"id": "early", "lat": 40.69, "lon": -73.93, "window": [DAY + "08:00:00Z", DAY + "09:01:00Z"]},
            {"id": "far", "lat": 41.69, "lon": -73.93},
            {"id": "ok", "lat": 40.67, "lon": -73.94},
        ],
    }
    out = solve(obj)
    reasons = {u["stop"]: u["reason"] for u in out["unserved"]}
    assert reasons == {
        "big": "demand exceeds every vehicle's capacity",
        "early": "window closes before any vehicle can arrive",
        "far": "too far to reach and return within any shift",
    }
    assert out["routes"][0]["stops"] == ["ok"]


def test_no_vehicles_leaves_every_stop_explained() -> None:
    obj = {"depots": [HUB], "vehicles": [], "stops": [{"id": "a", "lat": 40.67, "lon": -73.94}]}
    out = solve(obj)
    assert out["routes"] == [] and out["unserved"][0]["stop"] == "a"


def test_fleet_too_small_serves_the_most_stops() -> None:
    stops = [{"id": f"s{k}", "lat": 40.67 + k / 1000, "lon": -73.94, "demand": 3} for k in range(5)]
    obj = {"depots": [HUB], "vehicles": [{"id": "v", "depot": "hub", "capacity": 10}], "stops": stops}
    out = solve(obj)
    assert len(out["routes"][0]["stops"]) == 3 and len(out["unserved"]) == 2


def test_multi_depot_end_depot_and_max_duration() -> None:
    other = {"id": "pantry", "lat": 40.70, "lon": -73.90}
    obj = {
        "depots": [HUB, other],
        "vehicles": [
            {"id": "a", "depot": "hub", "end_depot": "pantry", "capacity": 5, "max_duration_min": 60},
            {"id": "b", "depot": "pantry", "capacity": 5, "max_duration_min": 60},
        ],
        "stops": [{"id": f"s{k}", "lat": 40.67 + k / 200, "lon": -73.93 + k / 300} for k in range(8)],
    }
    out = solve(obj, 0.5)
    assert out["unserved"] == []


def test_locked_stop_goes_to_its_vehicle() -> None:
    obj = {
        "depots": [HUB],
        "vehicles": [{"id": "a", "depot": "hub", "capacity": 9}, {"id": "b", "depot": "hub", "capacity": 9}],
        "stops": [
            {"id": "x", "lat": 40.671, "lon": -73.942},
            {"id": "y", "lat": 40.672, "lon": -73.942, "vehicle": "b"},
        ],
    }
    out = solve(obj)
    by_vehicle = {r["vehicle"]: r["stops"] for r in out["routes"]}
    assert "y" in by_vehicle["b"]


def test_replan_from_a_hint_keeps_the_contract() -> None:
    stops = [{"id": f"s{k}", "lat": 40.66 + k / 300, "lon": -73.95 + (k % 5) / 200} for k in range(20)]
    obj = {
        "depots": [HUB],
        "vehicles": [
            {"id": "a", "depot": "hub", "capacity": 10},
            {"id": "b", "depot": "hub", "capacity": 10},
        ],
        "stops": stops,
    }
    first = solve(obj)
    hint = {r["vehicle"]: r["stops"] for r in first["routes"]}
    out = plan(load_instance(json.dumps(obj)), time_limit_s=0.2, hint=hint)
    check(obj, out)
    assert out["unserved"] == []


def test_numpy_matrix_equals_the_formula() -> None:
    points = [(40.0 + k * 0.37, -73.0 - k * 1.1) for k in range(30)]
    metres, seconds = matrices(points, 1.4, 31.0)
    for i, a in enumerate(points):
        for j, b in enumerate(points):
            assert (int(metres[i, j]), int(seconds[i, j])) == (leg(*a, *b, 1.4, 31.0) if i != j else (0, 0))


def _minute(m: int) -> str:
    return f"{DAY}{8 + m // 60:02d}:{m % 60:02d}:00Z"


@st.composite
def instances(draw: st.DrawFn) -> dict[str, Any]:
    n_depots = draw(st.integers(1, 2))
    depots = [
        {"id": f"d{k}", "lat": draw(st.floats(40.60, 40.70)), "lon": draw(st.floats(-74.0, -73.9))}
        for k in range(n_depots)
    ]
    vehicles = []
    for k in range(draw(st.integers(1, 3))):
        vehicle: dict[str, Any] = {
            "id": f"v{k}",
            "depot": f"d{draw(st.integers(0, n_depots - 1))}",
            "capacity": draw(st.integers(1, 12)),
        }
        if draw(st.booleans()):
            vehicle["end_depot"] = f"d{draw(st.integers(0, n_depots - 1))}"
        if draw(st.booleans()):
            start = draw(st.integers(0, 120))
            vehicle["shift"] = [_minute(start), _minute(start + draw(st.integers(20, 300)))]
        if draw(st.booleans()):
            vehicle["max_duration_min"] = draw(st.integers(10, 200))
        vehicles.append(vehicle)
    stops = []
    for k in range(draw(st.integers(0, 12))):
        stop: dict[str, Any] = {
            "id": f"s{k}",
            "lat": draw(st.floats(40.55, 40.75)),
            "lon": draw(st.floats(-74.05, -73.85)),
            "demand": draw(st.integers(0, 14)),
            "service_min": draw(st.integers(0, 15)),
        }
        if draw(st.integers(0, 9)) < 3:
            start = draw(st.integers(0, 240))
            stop["window"] = [_minute(start), _minute(start + draw(st.integers(0, 90)))]
        stops.append(stop)
    return {
        "params": {"time_limit_s": 0.1, "seed": 3},
        "depots": depots,
        "vehicles": vehicles,
        "stops": stops,
    }


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_every_plan_keeps_the_contract(obj: dict[str, Any]) -> None:
    out = plan(load_instance(json.dumps(obj)))
    check(obj, out)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_a_generous_fleet_serves_everything_it_can_reach(obj: dict[str, Any]) -> None:
    for vehicle in obj["vehicles"]:
        vehicle["capacity"] = 1000
        vehicle.pop("shift", None)
        vehicle.pop("max_duration_min", None)
    for stop in obj["stops"]:
        stop.pop("window", None)
    out = plan(load_instance(json.dumps(obj)))
    check(obj, out)
    assert out["unserved"] == []


def test_docs_copy_equals_the_shared_spec() -> None:
    ours = Path(__file__).resolve().parents[2] / "docs" / "routing-instance.md"
    shared = Path("/work/shared/routing-instance.md")
    assert ours.exists()
    if shared.exists():
        assert ours.read_text(encoding="utf-8") == shared.read_text(encoding="utf-8")
