"""An independent checker of a routing output, written from docs/routing-instance.md alone."""

from __future__ import annotations

import itertools
import math
from datetime import UTC, datetime
from typing import Any

from mutualaid.deliveries.routing import REASONS


def _leg(a: dict[str, Any], b: dict[str, Any], params: dict[str, Any]) -> tuple[int, int]:
    p1, p2 = math.radians(a["lat"]), math.radians(b["lat"])
    dl = math.radians(b["lon"] - a["lon"])
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    km = 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h))) * params.get("circuity", 1.3)
    return round(1000 * km), round(3600 * km / params.get("speed_kmh", 25.0))


def _t(text: str) -> int:
    return round(datetime.fromisoformat(text).astimezone(UTC).timestamp())


def check(instance: dict[str, Any], output: dict[str, Any]) -> None:
    """Assert every rule of the format; raises AssertionError naming what broke."""
    params = instance.get("params", {})
    depots = {d["id"]: d for d in instance["depots"]}
    vehicles = {v["id"]: v for v in instance["vehicles"]}
    stops = {s["id"]: s for s in instance["stops"]}
    seen: list[str] = []
    total = 0
    for route in output["routes"]:
        vehicle = vehicles[route["vehicle"]]
        ids = route["stops"]
        assert ids, "an empty route is listed"
        seen += ids
        load = sum(stops[s].get("demand", 1) for s in ids)
        assert load == route["load"] and load <= vehicle["capacity"], route
        start = depots[vehicle["depot"]]
        end = depots[vehicle.get("end_depot") or vehicle["depot"]]
        path = [start, *(stops[s] for s in ids), end]
        legs = [_leg(a, b, params) for a, b in itertools.pairwise(path)]
        distance = sum(m for m, _ in legs)
        assert distance == route["distance_m"], (distance, route)
        total += distance
        starts = [_t(x) for x in route["starts"]]
        assert len(starts) == len(ids)
        for k, sid in enumerate(ids):
            stop = stops[sid]
            if stop.get("window"):
                assert _t(stop["window"][0]) <= starts[k] <= _t(stop["window"][1]), (sid, route)
            if k:
                ready = starts[k - 1] + round(60 * stops[ids[k - 1]].get("service_min", 0)) + legs[k][1]
                assert starts[k] >= ready, (sid, route)
        back = starts[-1] + round(60 * stops[ids[-1]].get("service_min", 0)) + legs[-1][1]
        depart_latest = starts[0] - legs[0][1]
        if vehicle.get("shift"):
            assert depart_latest >= _t(vehicle["shift"][0]), route
            assert back <= _t(vehicle["shift"][1]), route
        assert route["duration_s"] >= back - depart_latest
        assert route["duration_s"] == back - depart_latest or route["duration_s"] > 0
        if vehicle.get("max_duration_min") is not None:
            assert back - depart_latest <= round(60 * vehicle["max_duration_min"]), route
    assert len(seen) == len(set(seen)), "a stop is visited twice"
    unserved = [u["stop"] for u in output["unserved"]]
    assert sorted(seen + unserved) == sorted(stops), "stops missing from both routes and unserved"
    assert all(u["reason"] in REASONS for u in output["unserved"])
    for u in output["unserved"]:
        stop = stops[u["stop"]]
        if u["reason"] == "demand exceeds every vehicle's capacity":
            assert all(stop.get("demand", 1) > v["capacity"] for v in vehicles.values())
    assert output["distance_m"] == total
