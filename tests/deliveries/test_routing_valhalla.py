"""Travel times from a Valhalla server (its ``sources_to_targets`` matrix service), for the planner and
for ``mutualaid route --road-kind valhalla``, against a local stand-in that answers Valhalla's JSON."""

from __future__ import annotations

import io
import itertools
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from mutualaid.deliveries.routing import load_instance, plan, road_travel, valhalla_travel
from mutualaid.deliveries.routing.roads import NO_ROUTE, RoadServerError, road_matrices

pytestmark = pytest.mark.pure

HUB = {"id": "hub", "lat": 40.6694, "lon": -73.9422}
PAIR_LIMIT = 2500  # Valhalla's default max_matrix_location_pairs for auto


def grid_km(a: dict[str, float], b: dict[str, float]) -> float:
    """A road network, not a straight line: Manhattan distance on a grid, in kilometres (3 decimals)."""
    return round((abs(a["lat"] - b["lat"]) * 111_000 + abs(a["lon"] - b["lon"]) * 84_000 + 400) / 1000, 3)


class _Valhalla(BaseHTTPRequestHandler):
    """POST /sources_to_targets with a JSON body; answers like Valhalla (verbose form by default)."""

    calls: list[dict[str, Any]] = []
    answer: str = "ok"

    def _send(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:
        request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).calls.append({"path": self.path, "body": request})
        answer = type(self).answer
        if self.path != "/sources_to_targets" or answer == "down":
            self._send(404 if answer != "down" else 503, {"error": "no such action"})
            return
        sources, targets = request["sources"], request["targets"]
        if len(sources) * len(targets) > PAIR_LIMIT:
            self._send(
                400,
                {
                    "error_code": 154,
                    "error": "Exceeded max locations",
                    "status_code": 400,
                    "status": "Bad Request",
                },
            )
            return
        miles = request.get("units") in ("miles", "mi") or answer == "miles"

        def cell(i: int, j: int) -> tuple[float | None, int | None]:
            a, b = sources[i], targets[j]
            if answer == "island" and max(a["lat"], b["lat"]) > 40.75 and min(a["lat"], b["lat"]) <= 40.75:
                return None, None  # across the water: Valhalla answers null for both
            if a == b:
                return 0.0, 0
            km = grid_km(a, b)
            return (round(km / 1.609344, 3) if miles else km), round(km * 1000 / 5.0)

        units = "miles" if miles else "kilometers"
        if answer == "concise":
            body: dict[str, Any] = {
                "sources_to_targets": {
                    "distances": [[cell(i, j)[0] for j in range(len(targets))] for i in range(len(sources))],
                    "durations": [[cell(i, j)[1] for j in range(len(targets))] for i in range(len(sources))],
                },
                "units": units,
            }
        else:
            body = {
                "sources_to_targets": [
                    [
                        {"distance": cell(i, j)[0], "time": cell(i, j)[1], "from_index": i, "to_index": j}
                        for j in range(len(targets))
                    ]
                    for i in range(len(sources))
                ],
                "sources": [[s] for s in sources],
                "targets": [[t] for t in targets],
                "units": units,
            }
            if answer == "shuffled":
                body["sources_to_targets"][0].reverse()
        self._send(200, body)

    def log_message(self, *args: Any) -> None:
        pass


@contextmanager
def serve_valhalla() -> Iterator[str]:
    """The stand-in on a free port of this machine; its base URL."""
    _Valhalla.calls, _Valhalla.answer = [], "ok"
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Valhalla)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def valhalla() -> Iterator[str]:
    with serve_valhalla() as url:
        yield url


POINTS = [(40.67 + 0.001 * k, -73.94 - 0.002 * k) for k in range(7)]


def _km(a: int, b: int) -> float:
    (la, lo), (lb, lob) = POINTS[a], POINTS[b]
    return grid_km({"lat": la, "lon": lo}, {"lat": lb, "lon": lob})


def test_matrices_come_from_sources_to_targets_in_blocks_of_the_pair_limit(valhalla: str) -> None:
    metres, seconds = road_matrices(valhalla, POINTS, block=3, kind="valhalla")
    assert len(_Valhalla.calls) == 9  # 3 x 3 blocks of at most 3 sources and 3 targets
    first = _Valhalla.calls[0]["body"]
    assert first["costing"] == "auto" and first["units"] == "kilometers"
    assert first["sources"][0] == {"lat": 40.67, "lon": -73.94}
    # Only coordinates and the costing are sent.
    assert all(set(call["body"]) == {"sources", "targets", "costing", "units"} for call in _Valhalla.calls)
    assert int(metres[0, 6]) == round(_km(0, 6) * 1000) == int(metres[6, 0])
    assert int(seconds[0, 6]) == round(_km(0, 6) * 1000 / 5.0)
    assert int(metres[3, 3]) == 0 and int(seconds[3, 3]) == 0
    # The default block (50 x 50) stays within Valhalla's default 2,500 pairs: one call for 50 points.
    _Valhalla.calls = []
    many = [(40.6 + 0.001 * k, -73.9) for k in range(50)]
    road_matrices(valhalla, many, kind="valhalla")
    assert len(_Valhalla.calls) == 1


def test_the_concise_form_and_miles_give_the_same_metres(valhalla: str) -> None:
    verbose, _ = road_matrices(valhalla, POINTS, kind="valhalla")
    _Valhalla.answer = "concise"
    concise, seconds = road_matrices(valhalla, POINTS, kind="valhalla")
    assert (verbose == concise).all() and int(seconds[1, 2]) == round(_km(1, 2) * 1000 / 5.0)
    _Valhalla.answer = "miles"
    miles, _ = road_matrices(valhalla, POINTS, kind="valhalla")
    assert abs(int(miles[0, 6]) - int(verbose[0, 6])) <= 2  # 3 decimals of a mile: within 2 m


def test_a_plan_on_valhalla_times_reports_the_road_distances(valhalla: str) -> None:
    obj = {
        "depots": [HUB],
        "vehicles": [{"id": "v1", "depot": "hub", "capacity": 10}],
        "stops": [{"id": "a", "lat": 40.68, "lon": -73.95}, {"id": "b", "lat": 40.69, "lon": -73.93}],
    }
    out = plan(load_instance(json.dumps(obj)), time_limit_s=0.3, travel=valhalla_travel(valhalla))
    assert out["stats"]["matrix"] == "road"
    points = [(HUB["lat"], HUB["lon"]), (40.68, -73.95), (40.69, -73.93)]
    metres, _ = road_matrices(valhalla, points, kind="valhalla")
    (route,) = out["routes"]
    index = {"a": 1, "b": 2}
    path = [0, *(index[s] for s in route["stops"]), 0]
    assert route["distance_m"] == sum(int(metres[a, b]) for a, b in itertools.pairwise(path))
    assert route["distance_m"] > 0


def test_unroutable_pairs_refusals_and_a_down_server_fall_back_with_the_reason(valhalla: str) -> None:
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
    _Valhalla.answer = "island"
    points = [(HUB["lat"], HUB["lon"]), (40.68, -73.95), (40.76, -73.95)]
    metres, seconds = road_matrices(valhalla, points, kind="valhalla")
    assert int(metres[0, 2]) == NO_ROUTE and int(seconds[2, 0]) == NO_ROUTE
    out = plan(load_instance(json.dumps(obj)), time_limit_s=0.3, travel=valhalla_travel(valhalla))
    assert out["unserved"] == [{"stop": "island", "reason": "too far to reach and return within any shift"}]
    # A block over the server's pair limit: Valhalla's 400, which the caller turns into the estimate.
    _Valhalla.answer = "ok"
    with pytest.raises(RoadServerError, match="HTTP 400"):
        road_matrices(valhalla, [(40.6 + 0.0001 * k, -73.9) for k in range(51)], block=51, kind="valhalla")
    _Valhalla.answer = "shuffled"
    with pytest.raises(RoadServerError, match="out of order"):
        road_matrices(valhalla, points, kind="valhalla")
    _Valhalla.answer = "down"
    out = plan(load_instance(json.dumps(obj)), time_limit_s=0.3, travel=valhalla_travel(valhalla, timeout=2))
    assert out["stats"]["matrix"] == "haversine (road server refused the request (HTTP 503))"
    assert out["unserved"] == []  # the straight-line estimate reaches the island
    # An OSRM client at a Valhalla server: no table service there, the estimate and the reason.
    _Valhalla.answer = "ok"
    out = plan(load_instance(json.dumps(obj)), time_limit_s=0.3, travel=road_travel("osrm", valhalla))
    assert out["stats"]["matrix"].startswith("haversine (road server")


def test_the_command_takes_road_times_from_valhalla(valhalla: str, tmp_path: Any) -> None:
    from mutualaid.deliveries.routing.command import run

    obj = {
        "params": {"time_limit_s": 0.3},
        "depots": [HUB],
        "vehicles": [{"id": "v1", "depot": "hub", "capacity": 10}],
        "stops": [{"id": "a", "lat": 40.68, "lon": -73.95}],
    }
    path = tmp_path / "instance.json"
    path.write_text(json.dumps(obj))
    out, err = io.StringIO(), io.StringIO()
    assert run([str(path), "--road-url", valhalla, "--road-kind", "valhalla"], out, err) == 0, err.getvalue()
    answer = json.loads(out.getvalue())
    assert answer["stats"]["matrix"] == "road" and _Valhalla.calls
    assert answer["distance_m"] == 2 * round(grid_km(HUB, obj["stops"][0]) * 1000)
    # A kind the command does not know is refused before anything is asked.
    _Valhalla.calls = []
    out, err = io.StringIO(), io.StringIO()
    assert run([str(path), "--road-url", valhalla, "--road-kind", "graphhopper"], out, err) == 2
    assert "--road-kind" in err.getvalue() and not _Valhalla.calls and not out.getvalue()
