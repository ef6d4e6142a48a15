"""The planner's extensions (docs/deliveries.md): pickups, maximum legs, a road-network matrix server.

Every plan is also checked against the format alone (tests.deliveries.routing_check), which ignores
the extensions: an outside tool that knows nothing of them still finds the plan valid.
"""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mutualaid.deliveries.routing import load_instance, osrm_travel, plan
from mutualaid.deliveries.routing.distances import leg
from mutualaid.deliveries.routing.explain import LEG_TOO_LONG, PICKUP_OVER_CAPACITY
from mutualaid.deliveries.routing.roads import NO_ROUTE, is_loopback, road_matrices
from tests.deliveries.routing_check import check

pytestmark = pytest.mark.pure

HUB = {"id": "hub", "lat": 40.6694, "lon": -73.9422}


def solve(obj: dict[str, Any], limit: float = 0.3, **kwargs: Any) -> dict[str, Any]:
    out = plan(load_instance(json.dumps(obj)), time_limit_s=limit, **kwargs)
    check(obj, out)
    return out


def _on_board(obj: dict[str, Any], route: dict[str, Any]) -> list[int]:
    """Load leaving the depot, then after each stop: deliveries still aboard plus pickups so far."""
    stops = {s["id"]: s for s in obj["stops"]}
    load = sum(stops[s].get("demand", 1) for s in route["stops"])
    profile = [load]
    for sid in route["stops"]:
        load += stops[sid].get("pickup", 0) - stops[sid].get("demand", 1)
        profile.append(load)
    return profile


def test_pickups_share_the_vehicle_with_deliveries_and_never_overload_it() -> None:
    # Capacity 10: 8 to deliver and 8 to pick up fit only if the deliveries go first.
    obj = {
        "depots": [HUB],
        "vehicles": [{"id": "v1", "depot": "hub", "capacity": 10}],
        "stops": [
            {"id": "give", "lat": 40.70, "lon": -73.94, "demand": 8},
            {"id": "take", "lat": 40.675, "lon": -73.94, "demand": 0, "pickup": 8},
        ],
    }
    out = solve(obj)
    assert out["unserved"] == []
    (route,) = out["routes"]
    # "take" is nearer the hub; distance alone would visit it first, the load forbids it.
    assert route["stops"] == ["give", "take"]
    assert route["picked_up"] == 8 and route["peak_load"] == 8
    assert max(_on_board(obj, route)) <= 10


def test_a_pickup_larger_than_every_vehicle_is_explained() -> None:
    obj = {
        "depots": [HUB],
        "vehicles": [{"id": "v1", "depot": "hub", "capacity": 5}],
        "stops": [{"id": "sofa", "lat": 40.67, "lon": -73.94, "demand": 0, "pickup": 6}],
    }
    out = solve(obj)
    assert out["unserved"] == [{"stop": "sofa", "reason": PICKUP_OVER_CAPACITY}]


def test_invalid_extensions_are_named() -> None:
    base = {"depots": [HUB], "vehicles": [], "stops": [{"id": "s", "lat": 40.67, "lon": -73.94}]}
    for field, value, message in (
        ("pickup", -1, "stop 's'.pickup: must not be negative"),
        ("pickup", "x", "stop 's'.pickup: must be an integer"),
        ("max_leg_min", -5, "stop 's'.max_leg_min: must not be negative"),
    ):
        obj = json.loads(json.dumps(base))
        obj["stops"][0][field] = value
        with pytest.raises(ValueError, match=message.replace(".", r"\.").replace("'", "'")):
            load_instance(json.dumps(obj))


def test_maximum_leg_reorders_a_route_and_explains_the_unreachable() -> None:
    # A chain going north from the hub: each stop 1.1 km from the last; "far" has no neighbour near.
    stops = [{"id": f"s{k}", "lat": 40.6694 + 0.01 * k, "lon": -73.9422, "max_leg_min": 5} for k in (1, 2, 3)]
    stops.append({"id": "far", "lat": 40.80, "lon": -73.9422, "max_leg_min": 5})
    obj = {
        "depots": [HUB],
        "vehicles": [{"id": "v1", "depot": "hub", "capacity": 10}],
        "stops": stops,
    }
    out = solve(obj)
    assert out["unserved"] == [{"stop": "far", "reason": LEG_TOO_LONG}]
    (route,) = out["routes"]
    assert route["stops"] == ["s1", "s2", "s3"]
    step, _ = leg(40.6694, -73.9422, 40.6794, -73.9422, 1.3, 25.0)
    assert step < 5 * 60 * 25 / 3.6  # every leg of the chain is within five minutes at 25 km/h


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.floats(40.60, 40.74),
            st.floats(-74.02, -73.88),
            st.integers(0, 6),
            st.integers(0, 6),
            st.one_of(st.none(), st.integers(2, 15)),
        ),
        min_size=1,
        max_size=12,
    ),
    st.lists(st.integers(1, 15), min_size=1, max_size=3),
)
def test_loads_and_legs_hold_at_every_point(
    rows: list[tuple[float, float, int, int, int | None]], capacities: list[int]
) -> None:
    obj: dict[str, Any] = {
        "depots": [HUB],
        "vehicles": [{"id": f"v{k}", "depot": "hub", "capacity": c} for k, c in enumerate(capacities)],
        "stops": [],
    }
    for k, (lat, lon, demand, pickup, max_leg) in enumerate(rows):
        stop: dict[str, Any] = {"id": f"s{k}", "lat": lat, "lon": lon, "demand": demand, "pickup": pickup}
        if max_leg is not None:
            stop["max_leg_min"] = max_leg
        obj["stops"].append(stop)
    out = solve(obj, limit=0.2)
    stops = {s["id"]: s for s in obj["stops"]}
    vehicles = {v["id"]: v for v in obj["vehicles"]}
    for route in out["routes"]:
        assert max(_on_board(obj, route)) <= vehicles[route["vehicle"]]["capacity"]
        path = [HUB, *(stops[s] for s in route["stops"])]
        for a, b in itertools.pairwise(path):
            if "max_leg_min" in b:
                _, seconds = leg(a["lat"], a["lon"], b["lat"], b["lon"], 1.3, 25.0)
                assert seconds <= 60 * b["max_leg_min"], (route, b)
    for item in out["unserved"]:
        stop = stops[item["stop"]]
        if item["reason"] == PICKUP_OVER_CAPACITY:
            assert stop["pickup"] > max(capacities)


# --- a local stand-in for an OSRM server: the same table JSON, computed from a grid -------------


class _Osrm(BaseHTTPRequestHandler):
    calls: list[str] = []
    answer: str = "ok"

    def do_GET(self) -> None:
        type(self).calls.append(self.path)
        parts = urlsplit(self.path)
        if type(self).answer == "down":
            self.send_response(503)
            self.end_headers()
            return
        coords = [tuple(map(float, c.split(","))) for c in parts.path.rsplit("/", 1)[1].split(";")]
        query = parse_qs(parts.query)
        sources = [int(x) for x in query["sources"][0].split(";")]
        targets = [int(x) for x in query["destinations"][0].split(";")]

        def metres(a: int, b: int) -> float | None:
            (lon1, lat1), (lon2, lat2) = coords[a], coords[b]
            if type(self).answer == "island" and max(lat1, lat2) > 40.75 and min(lat1, lat2) <= 40.75:
                return None  # across the water, no road
            # Manhattan distance on a grid: a road network, not a straight line.
            return (abs(lat1 - lat2) * 111_000 + abs(lon1 - lon2) * 84_000) + 0.4

        body = {
            "code": "Ok",
            "distances": [[metres(a, b) for b in targets] for a in sources],
            "durations": [
                [None if (m := metres(a, b)) is None else m / 5.0 for b in targets] for a in sources
            ],
        }
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def osrm() -> Iterator[str]:
    _Osrm.calls, _Osrm.answer = [], "ok"
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Osrm)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_road_matrices_come_from_the_table_service_in_blocks(osrm: str) -> None:
    points = [(40.67 + 0.001 * k, -73.94 - 0.002 * k) for k in range(7)]
    metres, seconds = road_matrices(osrm, points, block=3)
    assert len(_Osrm.calls) == 9  # 3 x 3 blocks of at most 3 sources and 3 destinations
    assert all(call.startswith("/table/v1/driving/") for call in _Osrm.calls)
    raw = abs(points[0][0] - points[6][0]) * 111_000 + abs(points[0][1] - points[6][1]) * 84_000 + 0.4
    assert int(metres[0, 6]) == round(raw) == int(metres[6, 0])
    assert int(seconds[0, 6]) == round(raw / 5.0)
    assert int(metres[3, 3]) == 0 and int(seconds[3, 3]) == 0


def test_a_plan_on_road_times_reports_the_road_distances(osrm: str) -> None:
    obj = {
        "depots": [HUB],
        "vehicles": [{"id": "v1", "depot": "hub", "capacity": 10}],
        "stops": [{"id": "a", "lat": 40.68, "lon": -73.95}, {"id": "b", "lat": 40.69, "lon": -73.93}],
    }
    out = plan(load_instance(json.dumps(obj)), time_limit_s=0.3, travel=osrm_travel(osrm))
    assert out["stats"]["matrix"] == "road"
    points = [(HUB["lat"], HUB["lon"]), (40.68, -73.95), (40.69, -73.93)]
    metres, _ = road_matrices(osrm, points)
    (route,) = out["routes"]
    index = {"a": 1, "b": 2}
    path = [0, *(index[s] for s in route["stops"]), 0]
    assert route["distance_m"] == sum(int(metres[a, b]) for a, b in itertools.pairwise(path))


def test_unroutable_pairs_and_a_down_server(osrm: str) -> None:
    obj = {
        "depots": [HUB],
        "vehicles": [
            {
                "id": "v1",
                "depot": "hub",
                "capacity": 10,
                "shift": ["2026-12-05T09:00:00Z", "2026-12-05T13:00:00Z"],
            }
        ],
        "stops": [{"id": "near", "lat": 40.68, "lon": -73.95}, {"id": "island", "lat": 40.76, "lon": -73.95}],
    }
    _Osrm.answer = "island"
    points = [(HUB["lat"], HUB["lon"]), (40.68, -73.95), (40.76, -73.95)]
    metres, _ = road_matrices(osrm, points)
    assert int(metres[0, 2]) == NO_ROUTE
    out = plan(load_instance(json.dumps(obj)), time_limit_s=0.3, travel=osrm_travel(osrm))
    assert out["unserved"] == [{"stop": "island", "reason": "too far to reach and return within any shift"}]
    _Osrm.answer = "down"
    out = solve(obj, travel=osrm_travel(osrm, timeout=2))
    assert out["stats"]["matrix"].startswith("haversine (road server")
    assert out["unserved"] == []  # the straight-line estimate reaches the island


def test_only_this_machine_counts_as_loopback() -> None:
    assert is_loopback("http://127.0.0.1:5000/") and is_loopback("http://localhost/osrm")
    assert is_loopback("http://[::1]:5000")
    assert not is_loopback("https://router.example.org/") and not is_loopback("http://10.0.0.5:5000")


def test_the_command_takes_road_times_from_a_server(osrm: str, tmp_path: Any) -> None:
    import io

    from mutualaid.deliveries.routing.command import run

    obj = {
        "params": {"time_limit_s": 0.3},
        "depots": [HUB],
        "vehicles": [{"id": "v1", "depot": "hub", "capacity": 10}],
        "stops": [{"id": "a", "lat": 40.68, "lon": -73.95, "pickup": 2, "demand": 0}],
    }
    path = tmp_path / "instance.json"
    path.write_text(json.dumps(obj))
    out, err = io.StringIO(), io.StringIO()
    assert run([str(path), "--road-url", osrm], out, err) == 0, err.getvalue()
    answer = json.loads(out.getvalue())
    assert answer["stats"]["matrix"] == "road" and _Osrm.calls
    assert answer["routes"][0]["picked_up"] == 2
