"""``mutualaid route``: JSON on stdout on success; exit 2, a named item and empty stdout otherwise."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from mutualaid.deliveries.routing.command import run
from tests.deliveries.routing_check import check
from tests.helpers import run_on_file

# The command is pure Python (cli.py runs it before any settings or database): nothing here touches one.
pytestmark = pytest.mark.pure

HUB = {"id": "hub", "lat": 40.6694, "lon": -73.9422}
VEHICLE = {"id": "v1", "depot": "hub", "capacity": 20}
STOP = {"id": "s1", "lat": 40.6712, "lon": -73.9448}


def base(**changes: Any) -> dict[str, Any]:
    obj: dict[str, Any] = {
        "params": {"time_limit_s": 0.1},
        "depots": [dict(HUB)],
        "vehicles": [dict(VEHICLE)],
        "stops": [dict(STOP)],
    }
    obj.update(changes)
    return obj


def call(tmp_path: Path, text: str) -> tuple[int, str, str]:
    return run_on_file(run, tmp_path, text)


def test_prints_the_plan(tmp_path: Path) -> None:
    code, out, err = call(tmp_path, json.dumps(base()))
    assert code == 0 and err == ""
    result = json.loads(out)
    check(base(), result)
    assert result["routes"][0]["stops"] == ["s1"]


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("{not json", "JSON"),
        (json.dumps(base(depots=[])), "depot"),
        (json.dumps(base(stops=[STOP, STOP])), "'s1'"),
        (json.dumps(base(vehicles=[{**VEHICLE, "depot": "nowhere"}])), "'nowhere'"),
        (json.dumps(base(vehicles=[{**VEHICLE, "end_depot": "nowhere"}])), "'nowhere'"),
        (json.dumps(base(vehicles=[{**VEHICLE, "capacity": 0}])), "'v1'"),
        (json.dumps(base(vehicles=[{**VEHICLE, "capacity": 2.5}])), "'v1'"),
        (json.dumps(base(stops=[{**STOP, "demand": -1}])), "'s1'"),
        (json.dumps(base(stops=[{**STOP, "lat": 91}])), "'s1'"),
        (json.dumps(base(stops=[{**STOP, "lon": "x"}])), "'s1'"),
        (json.dumps(base(stops=[{"lat": 1, "lon": 1}])), "stop #1"),
        (
            json.dumps(base(stops=[{**STOP, "window": ["2026-12-05T11:00:00Z", "2026-12-05T10:00:00Z"]}])),
            "'s1'",
        ),
        (
            json.dumps(base(stops=[{**STOP, "window": ["2026-12-05T10:00:00", "2026-12-05T11:00:00Z"]}])),
            "'s1'",
        ),
        (json.dumps(base(stops=[{**STOP, "window": ["tomorrow", "2026-12-05T11:00:00Z"]}])), "'s1'"),
        (json.dumps(base(vehicles=[{**VEHICLE, "shift": ["2026-12-05T11:00:00Z"]}])), "'v1'"),
        (
            json.dumps(base(stops=[{**STOP, "window": ["0001-01-01T00:00:00Z", "0001-01-01T01:00:00Z"]}])),
            "'s1'",
        ),
        (json.dumps(base(params={"speed_kmh": 0})), "speed_kmh"),
        (json.dumps([1, 2]), "object"),
        (json.dumps(base(stops=None)), "stops"),
    ],
)
def test_invalid_input_exits_2_naming_the_item(tmp_path: Path, text: str, named: str) -> None:
    code, out, err = call(tmp_path, text)
    assert code == 2
    assert out == ""
    assert named in err


def test_the_installed_command_reads_stdin() -> None:
    exe = Path(sys.executable).with_name("mutualaid")
    done = subprocess.run(
        [str(exe), "route", "-"], input=json.dumps(base()), capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["distance_m"] > 0
    bad = subprocess.run([str(exe), "route", "-"], input="[]", capture_output=True, text=True, check=False)
    assert bad.returncode == 2 and bad.stdout == ""


def test_threads_flag_sets_the_searches_at_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from mutualaid.deliveries.routing import solve

    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0, 1}, raising=False)
    monkeypatch.setattr(solve, "_STALL_MIN", 20)
    monkeypatch.setattr(solve, "_STALL_PER_STOP", 0)
    stops = [{"id": f"s{k}", "lat": 40.66 + k / 1000, "lon": -73.94 - k / 700} for k in range(12)]
    obj = base(params={"time_limit_s": 0.4}, stops=stops)
    path = tmp_path / "instance.json"
    path.write_text(json.dumps(obj), encoding="utf-8")
    for threads in (1, 2):
        out, err = io.StringIO(), io.StringIO()
        assert run([str(path), "--threads", str(threads)], out, err) == 0, err.getvalue()
        result = json.loads(out.getvalue())
        check(obj, result)
        assert result["stats"]["searches"] == threads


@pytest.mark.parametrize("value", ["0", "-1", "two"])
def test_threads_flag_must_be_a_positive_whole_number(tmp_path: Path, value: str) -> None:
    path = tmp_path / "instance.json"
    path.write_text(json.dumps(base()), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert run([str(path), "--threads", value], out, err) == 2
    assert out.getvalue() == "" and "--threads" in err.getvalue()
