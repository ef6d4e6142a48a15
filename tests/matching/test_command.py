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

NEED = {"id": "n1", "category": "food", "lat": 40.67, "lon": -73.94, "quantity": 2}
OFFER = {"id": "o1", "category": "food", "lat": 40.66, "lon": -73.95, "capacity": 1}


def call(tmp_path: Path, text: str) -> tuple[int, str, str]:
    path = tmp_path / "instance.json"
    path.write_text(text, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    code = run([str(path)], out, err)
    return code, out.getvalue(), err.getvalue()


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
        capture_output=True, text=True, env={"PYTHONPATH": str(src)}, check=False,
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
    (instance(needs=[need(), need(id="n4", quantity=0)]), 'needs[1] (id "n4"): quantity must be a positive integer'),
    (instance(needs=[need(quantity=1.5)]), 'needs[0] (id "n1"): quantity must be a positive integer'),
    (instance(needs=[need(quantity=True)]), 'needs[0] (id "n1"): quantity must be a positive integer'),
    (instance(offers=[offer(capacity=-2)]), 'offers[0] (id "o1"): capacity must be a positive integer'),
    (instance(needs=[need(urgency="asap")]), "needs[0] (id \"n1\"): urgency 'asap' is not one of"),
    (instance(needs=[need(lat=91)]), 'needs[0] (id "n1"): lat must be a number between -90 and 90'),
    (instance(offers=[offer(lon="x")]), 'offers[0] (id "o1"): lon must be a number between -180 and 180'),
    (instance(offers=[offer(lat=None)]), 'offers[0] (id "o1"): lat must be a number'),
    (instance(needs=[need(category="")]), 'needs[0] (id "n1"): category must be a non-empty string'),
    (instance(needs=[need(waiting_days=-1)]), 'needs[0] (id "n1"): waiting_days must be a non-negative number'),
    (instance(offers=[offer(max_km=-1)]), 'offers[0] (id "o1"): max_km must be a non-negative number'),
    (instance(needs=[need(window=["2026-11-25T10:00:00", W[1]])]), 'needs[0] (id "n1"): window bound \'2026-11-25T10:00:00\' has no time zone'),
    (instance(needs=[need(window=["yesterday", W[1]])]), 'needs[0] (id "n1"): window bound \'yesterday\' is not an ISO 8601 date-time'),
    (instance(offers=[offer(window=[W[1], W[0]])]), 'offers[0] (id "o1"): window ends before it starts'),
    (instance(offers=[offer(window=W[0])]), 'offers[0] (id "o1"): window must be a list [start, end]'),
    (instance(params={"max_km": 0}), "params.max_km: must be a positive number"),
    (instance(params={"urgency_factor": {"now": "x"}}), "params.urgency_factor.now: must be a non-negative number"),
]


@pytest.mark.parametrize(("text", "message"), INVALID)
def test_invalid_instance_exits_2_naming_the_item(tmp_path: Path, text: str, message: str) -> None:
    code, out, err = call(tmp_path, text)
    assert code == 2
    assert out == ""
    assert message in err


def test_unreadable_file_exits_2(tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    assert run([str(tmp_path / "missing.json")], out, err) == 2
    assert out.getvalue() == "" and "cannot read" in err.getvalue()


def test_missing_argument_exits_2() -> None:
    out, err = io.StringIO(), io.StringIO()
    assert run([], out, err) == 2
    assert out.getvalue() == "" and "error" in err.getvalue()


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
