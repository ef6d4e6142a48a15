"""A pickup delivered to one named stop (``deliver_to``, docs/deliveries.md): same route, pickup first.

Every plan is also checked against the shared format alone (tests.deliveries.routing_check).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mutualaid.deliveries.routing import InvalidInstance, load_instance, plan
from mutualaid.deliveries.routing.explain import NO_ROOM, PAIR_ORDER, PAIR_PARTNER
from tests.deliveries.routing_check import check

pytestmark = pytest.mark.pure

HUB = {"id": "hub", "lat": 40.6694, "lon": -73.9422}
DAY = "2026-12-05T"


def solve(obj: dict[str, Any], limit: float = 0.3, **kwargs: Any) -> dict[str, Any]:
    out = plan(load_instance(json.dumps(obj)), time_limit_s=limit, **kwargs)
    check(obj, out)
    return out


def on_board(obj: dict[str, Any], route: dict[str, Any]) -> list[int]:
    """Written from the docs: depot goods aboard, pickups loaded, a paired pickup unloaded at its target."""
    stops = {s["id"]: s for s in obj["stops"]}
    source = {s["deliver_to"]: s["id"] for s in obj["stops"] if s.get("deliver_to")}
    load = sum(stops[s].get("demand", 1) for s in route["stops"])
    profile = [load]
    for sid in route["stops"]:
        load += stops[sid].get("pickup", 0) - stops[sid].get("demand", 1)
        if sid in source:
            load -= stops[source[sid]]["pickup"]
        profile.append(load)
    return profile


def assert_pairs_kept(obj: dict[str, Any], out: dict[str, Any]) -> None:
    served = {s: (r["vehicle"], k) for r in out["routes"] for k, s in enumerate(r["stops"])}
    unserved = {u["stop"] for u in out["unserved"]}
    vehicles = {v["id"]: v for v in obj["vehicles"]}
    for stop in obj["stops"]:
        target = stop.get("deliver_to")
        if target is None:
            continue
        if stop["id"] in unserved or target in unserved:
            assert stop["id"] in unserved and target in unserved, (stop, out["unserved"])
            continue
        (v1, k1), (v2, k2) = served[stop["id"]], served[target]
        assert v1 == v2 and k1 < k2, (stop, out["routes"])
    for route in out["routes"]:
        profile = on_board(obj, route)
        assert min(profile) >= 0 and max(profile) <= vehicles[route["vehicle"]]["capacity"], (route, profile)


def test_the_pickup_goes_to_its_named_door_in_the_same_route_first() -> None:
    # Two vehicles; the pickup is near v2's natural area, its named door near the other's stops.
    obj = {
        "depots": [HUB],
        "vehicles": [
            {"id": "v1", "depot": "hub", "capacity": 4},
            {"id": "v2", "depot": "hub", "capacity": 4},
        ],
        "stops": [
            {"id": "bed", "lat": 40.70, "lon": -73.90, "demand": 0, "pickup": 4, "deliver_to": "ana"},
            {"id": "ana", "lat": 40.64, "lon": -73.99, "demand": 0},
            {"id": "x", "lat": 40.645, "lon": -73.985, "demand": 3},
            {"id": "y", "lat": 40.701, "lon": -73.901, "demand": 3},
        ],
    }
    out = solve(obj)
    assert out["unserved"] == []
    assert_pairs_kept(obj, out)
    route = next(r for r in out["routes"] if "bed" in r["stops"])
    assert route["picked_up"] == 4 and route["peak_load"] <= 4


def test_a_pair_that_cannot_be_done_in_order_is_explained_on_both() -> None:
    # The door's window closes before the pickup's opens: no route can do them in order.
    obj = {
        "depots": [HUB],
        "vehicles": [
            {"id": "v1", "depot": "hub", "capacity": 5, "shift": [DAY + "08:00:00Z", DAY + "17:00:00Z"]}
        ],
        "stops": [
            {
                "id": "p",
                "lat": 40.70,
                "lon": -73.90,
                "demand": 0,
                "pickup": 1,
                "deliver_to": "d",
                "window": [DAY + "14:00:00Z", DAY + "15:00:00Z"],
            },
            {
                "id": "d",
                "lat": 40.64,
                "lon": -73.99,
                "demand": 0,
                "window": [DAY + "09:00:00Z", DAY + "10:00:00Z"],
            },
            {"id": "other", "lat": 40.66, "lon": -73.93, "demand": 1},
        ],
    }
    out = solve(obj)
    assert {u["stop"]: u["reason"] for u in out["unserved"]} == {"p": PAIR_ORDER, "d": PAIR_PARTNER}
    assert [r["stops"] for r in out["routes"]] == [["other"]]


def test_pairs_locked_to_two_vehicles_and_a_hint_that_splits_them() -> None:
    obj = {
        "depots": [HUB],
        "vehicles": [
            {"id": "v1", "depot": "hub", "capacity": 5},
            {"id": "v2", "depot": "hub", "capacity": 5},
        ],
        "stops": [
            {
                "id": "p",
                "lat": 40.70,
                "lon": -73.90,
                "demand": 0,
                "pickup": 2,
                "deliver_to": "d",
                "vehicle": "v1",
            },
            {"id": "d", "lat": 40.64, "lon": -73.99, "demand": 0, "vehicle": "v2"},
            {"id": "q", "lat": 40.69, "lon": -73.91, "demand": 0, "pickup": 2, "deliver_to": "e"},
            {"id": "e", "lat": 40.65, "lon": -73.98, "demand": 0, "vehicle": "v2"},
        ],
    }
    out = solve(obj, hint={"v1": ["e", "q"], "v2": ["d"]})
    assert {u["stop"]: u["reason"] for u in out["unserved"]} == {"p": PAIR_ORDER, "d": PAIR_PARTNER}
    assert [(r["vehicle"], r["stops"]) for r in out["routes"]] == [("v2", ["q", "e"])]


def test_invalid_pairs_are_named() -> None:
    def pair() -> dict[str, Any]:
        return {
            "depots": [HUB],
            "vehicles": [],
            "stops": [
                {"id": "p", "lat": 40.7, "lon": -73.9, "demand": 0, "pickup": 1, "deliver_to": "d"},
                {"id": "d", "lat": 40.6, "lon": -73.9, "demand": 0},
            ],
        }

    cases: list[tuple[int, str, Any, str]] = [
        (0, "deliver_to", "zz", "stop 'p'.deliver_to: unknown stop 'zz'"),
        (0, "deliver_to", "p", "stop 'p'.deliver_to: a stop cannot deliver to itself"),
        (0, "deliver_to", 5, "stop 'p'.deliver_to: must be a stop id"),
        (0, "pickup", 0, "stop 'p': a stop with deliver_to picks up"),
        (1, "demand", 2, "stop 'd': the target of a deliver_to takes only"),
    ]
    for k, key, value, message in cases:
        obj = pair()
        obj["stops"][k][key] = value
        with pytest.raises(InvalidInstance) as caught:
            load_instance(json.dumps(obj))
        assert str(caught.value).startswith(message), caught.value
    obj = pair()
    obj["stops"].append({"id": "p2", "lat": 40.7, "lon": -73.9, "demand": 0, "pickup": 1, "deliver_to": "d"})
    with pytest.raises(InvalidInstance, match="stop 'd': the target of two pickups"):
        load_instance(json.dumps(obj))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.floats(40.60, 40.74), st.floats(-74.02, -73.88), st.integers(0, 5), st.integers(0, 4)),
        min_size=2,
        max_size=12,
    ),
    st.lists(st.integers(1, 10), min_size=1, max_size=3),
    st.data(),
)
def test_pairs_hold_with_loads_right_at_every_point(
    rows: list[tuple[float, float, int, int]], capacities: list[int], data: st.DataObject
) -> None:
    stops: list[dict[str, Any]] = [
        {"id": f"s{k}", "lat": lat, "lon": lon, "demand": demand, "pickup": pickup}
        for k, (lat, lon, demand, pickup) in enumerate(rows)
    ]
    # Pair some stops: the pickup keeps its pickup (at least 1), both deliver nothing from the depot.
    free = list(range(len(stops)))
    for _ in range(data.draw(st.integers(0, len(stops) // 2))):
        p, d = data.draw(st.sampled_from(free)), None
        free.remove(p)
        d = data.draw(st.sampled_from(free))
        free.remove(d)
        stops[p].update(demand=0, pickup=max(1, stops[p]["pickup"]), deliver_to=stops[d]["id"])
        stops[d].update(demand=0, pickup=0)
        if data.draw(st.booleans()):
            stops[d]["window"] = [
                DAY + "09:00:00Z",
                DAY + data.draw(st.sampled_from(["09:20:00Z", "12:00:00Z"])),
            ]
    obj = {
        "depots": [HUB],
        "vehicles": [
            {"id": f"v{k}", "depot": "hub", "capacity": c, "shift": [DAY + "08:00:00Z", DAY + "13:00:00Z"]}
            for k, c in enumerate(capacities)
        ],
        "stops": stops,
    }
    out = solve(obj, limit=0.2)
    assert_pairs_kept(obj, out)
    for item in out["unserved"]:
        assert (
            item["reason"] in (NO_ROOM, PAIR_ORDER, PAIR_PARTNER)
            or "capacity" in item["reason"]
            or ("window" in item["reason"])
        )
