"""``mutualaid match``: output on success, exit 2 and a named item on invalid input."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from mutualaid.matching.command import run
from tests.helpers import run_on_file

# The command is pure Python (cli.py runs it before any settings or database): nothing here touches one.
pytestmark = pytest.mark.pure

NEED = {"id": "n1", "category": "food", "lat": 40.67, "lon": -73.94, "quantity": 2}
OFFER = {"id": "o1", "category": "food", "lat": 40.66, "lon": -73.95, "capacity": 1}


def call(tmp_path: Path, text: str) -> tuple[int, str, str]:
    return run_on_file(run, tmp_path, text)


def instance(**changes: Any) -> str:
    obj: dict[str, Any] = {"needs": [dict(NEED)], "offers": [dict(OFFER)]}
    obj.update(changes)
    return json.dumps(obj)


def test_prints_the_assignment(tmp_path: Path) -> None:
    code, out, err = call(tmp_path, instance())
    assert code == 0 and err == ""
    result = json.loads(out)
    assert result["matched_units"] == 1
    assert result["assignments"][0]["need"] == "n1"
    assert result["objective"] == result["assignments"][0]["score"]
    assert "candidate_pairs" in result["stats"] and "seconds" in result["stats"]


def test_reads_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(instance()))
    out, err = io.StringIO(), io.StringIO()
    assert run(["-"], out, err) == 0
    assert json.loads(out.getvalue())["matched_units"] == 1


def test_greedy_flag(tmp_path: Path) -> None:
    path = tmp_path / "i.json"
    path.write_text(instance())
    out = io.StringIO()
    assert run([str(path), "--greedy"], out, io.StringIO()) == 0
    assert json.loads(out.getvalue())["stats"]["method"] == "greedy"


def test_module_entry_point(tmp_path: Path) -> None:
    path = tmp_path / "i.json"
    path.write_text(instance())
    src = Path(__file__).resolve().parents[2] / "src"
    done = subprocess.run(
        [sys.executable, "-m", "mutualaid.matching.command", str(path)],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(src)},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["matched_units"] == 1


def need(**changes: Any) -> dict[str, Any]:
    return {**NEED, **changes}


def offer(**changes: Any) -> dict[str, Any]:
    return {**OFFER, **changes}


W = ["2026-11-25T10:00:00Z", "2026-11-25T12:00:00Z"]

INVALID = [
    ('{"needs": [', "invalid JSON"),
    ("[1, 2]", "instance: must be a JSON object"),
    (instance(needs={"id": "x"}), "needs: must be a list"),
    (instance(needs=[NEED, {k: v for k, v in NEED.items() if k != "id"}]), "needs[1]: id is missing"),
    (instance(needs=[NEED, need(id=7)]), "needs[1]: id must be a non-empty string"),
    (instance(needs=[NEED, need()]), 'needs[1] (id "n1"): duplicate id (also needs[0])'),
    (instance(offers=[OFFER, offer()]), 'offers[1] (id "o1"): duplicate id (also offers[0])'),
    (
        instance(needs=[need(), need(id="n4", quantity=0)]),
        'needs[1] (id "n4"): quantity must be a positive integer',
    ),
    (instance(needs=[need(quantity=1.5)]), 'needs[0] (id "n1"): quantity must be a positive integer'),
    (instance(needs=[need(quantity=True)]), 'needs[0] (id "n1"): quantity must be a positive integer'),
    (instance(offers=[offer(capacity=-2)]), 'offers[0] (id "o1"): capacity must be a positive integer'),
    (instance(needs=[need(urgency="asap")]), "needs[0] (id \"n1\"): urgency 'asap' is not one of"),
    (instance(needs=[need(lat=91)]), 'needs[0] (id "n1"): lat must be a number between -90 and 90'),
    (instance(offers=[offer(lon="x")]), 'offers[0] (id "o1"): lon must be a number between -180 and 180'),
    (instance(offers=[offer(lat=None)]), 'offers[0] (id "o1"): lat must be a number'),
    (instance(needs=[need(category="")]), 'needs[0] (id "n1"): category must be a non-empty string'),
    (
        instance(needs=[need(waiting_days=-1)]),
        'needs[0] (id "n1"): waiting_days must be a non-negative number',
    ),
    (instance(offers=[offer(max_km=-1)]), 'offers[0] (id "o1"): max_km must be a non-negative number'),
    (
        instance(needs=[need(window=["2026-11-25T10:00:00", W[1]])]),
        "needs[0] (id \"n1\"): window bound '2026-11-25T10:00:00' has no time zone",
    ),
    (
        instance(needs=[need(window=["yesterday", W[1]])]),
        "needs[0] (id \"n1\"): window bound 'yesterday' is not an ISO 8601 date-time",
    ),
    (instance(offers=[offer(window=[W[1], W[0]])]), 'offers[0] (id "o1"): window ends before it starts'),
    (instance(offers=[offer(window=W[0])]), 'offers[0] (id "o1"): window must be a list [start, end]'),
    (instance(params={"max_km": -1}), "params.max_km: must be a non-negative number"),
    (
        instance(params={"urgency_factor": {"now": "x"}}),
        "params.urgency_factor.now: must be a non-negative number",
    ),
]


@pytest.mark.parametrize(("text", "message"), INVALID)
def test_invalid_instance_exits_2_naming_the_item(tmp_path: Path, text: str, message: str) -> None:
    code, out, err = call(tmp_path, text)
    assert code == 2
    assert out == ""
    assert message in err


def test_unknown_fields_and_defaults_are_accepted(tmp_path: Path) -> None:
    obj = {
        "needs": [{"id": "a", "category": "food", "lat": 1.0, "lon": 1.0, "languages": ["es"]}],
        "offers": [{"id": "b", "category": "food", "lat": 1.0, "lon": 1.0, "max_km": None}],
        "generated_by": "server",
    }
    code, out, _ = call(tmp_path, json.dumps(obj))
    assert code == 0
    # flexible need, no waiting: P = 50, d = 0
    assert json.loads(out)["objective"] == 50_000


def test_null_optional_fields_mean_their_defaults(tmp_path: Path) -> None:
    obj = {
        "params": {"max_km": None, "urgency_factor": None},
        "needs": [need(quantity=None, urgency=None, waiting_days=None, window=None)],
        "offers": [offer(capacity=None, max_km=None, window=None)],
    }
    code, out, err = call(tmp_path, json.dumps(obj))
    assert code == 0, err
    assert json.loads(out)["matched_units"] == 1


def test_byte_order_mark_and_integral_floats_are_accepted(tmp_path: Path) -> None:
    code, out, err = call(tmp_path, "\ufeff" + instance(needs=[need(quantity=2.0)]))
    assert code == 0, err
    assert json.loads(out)["assignments"][0]["units"] == 1


def test_huge_amounts_are_exact(tmp_path: Path) -> None:
    big = 2**53
    obj = {"needs": [need(quantity=big, urgency="today")], "offers": [offer(capacity=big - 1)]}
    code, out, err = call(tmp_path, json.dumps(obj))
    assert code == 0, err
    result = json.loads(out)
    [row] = result["assignments"]
    assert row["units"] == big - 1
    assert result["objective"] == (big - 1) * row["score"]  # beyond 64 bits, still exact


@pytest.mark.parametrize(
    ("obj", "message"),
    [
        (
            {"needs": [need(waiting_days=1e300)], "offers": []},
            'needs[0] (id "n1"): its value P = value_km * urgency_factor + value_km_per_waiting_day',
        ),
        (
            {
                "needs": [need(id=f"n{i}", quantity=2**53) for i in range(600)],
                "offers": [offer(id=f"o{i}", capacity=2**53) for i in range(600)],
            },
            'needs[0] (id "n0"): the quantity values of its category add up to more than 2**62',
        ),
        (
            {"needs": [need(quantity=2**53 + 1)], "offers": []},
            'needs[0] (id "n1"): quantity must be at most 2**53',
        ),
    ],
)
def test_numbers_too_large_to_solve_exactly_exit_2(tmp_path: Path, obj: dict[str, Any], message: str) -> None:
    code, out, err = call(tmp_path, json.dumps(obj))
    assert (code, out) == (2, "")
    assert message in err


def test_distance_exactly_at_the_limit_is_feasible(tmp_path: Path) -> None:
    import math

    def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
        p1, p2 = math.radians(lat1), math.radians(lat2)
        a = (
            math.sin((p2 - p1) / 2) ** 2
            + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
        )
        return 2 * 6371.0088 * math.asin(math.sqrt(a))

    # Pairs where numpy's arcsin rounds the distance one bit above plain Python's: an offer
    # whose max_km is Python's distance must still reach its need.
    pairs = [
        (4.818208592526844, 20.62291961984002, 4.746697230192529, 20.654580339337222),
        (56.32087218591046, -143.381166615062, 56.38918561832659, -143.36158885952193),
        (-6.2367213746218795, -92.90170388286532, -6.201250518866497, -92.92610352695256),
        (-47.26948022484106, -147.88043793351835, -47.279827681848126, -147.86335110796355),
        (32.990841882862625, 161.3420488991789, 33.006592273830805, 161.43642343937708),
    ]
    needs = [need(id=f"n{i}", lat=p[0], lon=p[1]) for i, p in enumerate(pairs)]
    offers = [offer(id=f"o{i}", lat=p[2], lon=p[3], max_km=km(*p)) for i, p in enumerate(pairs)]
    obj = {"needs": needs, "offers": offers}
    code, out, err = call(tmp_path, json.dumps(obj))
    assert code == 0, err
    rows = json.loads(out)["assignments"]
    assert [(r["need"], r["offer"], r["km"]) for r in rows] == [
        (f"n{i}", f"o{i}", km(*p)) for i, p in enumerate(pairs)
    ]
    # A hair beyond the limit is out.
    for item in offers:
        item["max_km"] = math.nextafter(item["max_km"], 0.0)
    code, out, err = call(tmp_path, json.dumps(obj))
    assert json.loads(out)["assignments"] == []


def test_touching_windows_overlap_across_time_zones(tmp_path: Path) -> None:
    obj = {
        "needs": [need(window=["2026-11-25T08:00:00-02:00", "2026-11-25T12:00:00+02:00"])],
        "offers": [
            offer(window=["2026-11-25T10:00:00Z", "2026-11-25T11:00:00Z"]),
            offer(id="o2", window=["2026-11-25T10:00:00.000001Z", "2026-11-25T11:00:00Z"]),
        ],
    }
    # The need ends at 10:00Z exactly: it touches o1 and misses o2 by a microsecond.
    code, out, err = call(tmp_path, json.dumps(obj))
    assert code == 0, err
    assert [(r["need"], r["offer"]) for r in json.loads(out)["assignments"]] == [("n1", "o1")]
