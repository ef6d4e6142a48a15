"""bench/matching.py --methods: the engine alone without the greedy baseline (or the full graph)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.pure

BENCH = Path(__file__).resolve().parents[2] / "bench"


def test_methods_exact_runs_the_engine_alone(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(BENCH / "matching.py"), "--sizes", "200", "--methods", "exact",
         "--workdir", str(tmp_path), "--out", str(tmp_path / "table.md")],
        capture_output=True, text=True, check=True, timeout=300,
    )  # fmt: skip
    rows = [line for line in (tmp_path / "table.md").read_text().splitlines()[2:] if line]
    methods = {row.split("|")[2].strip() for row in rows}
    assert methods == {"exact"}, done.stdout
    assert len(rows) == 3, "mixed, scarce and plentiful at this size, once each"


def test_an_unknown_method_is_refused_by_name(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(BENCH / "matching.py"), "--sizes", "200", "--methods", "exact,greedyy",
         "--workdir", str(tmp_path)],
        capture_output=True, text=True, check=False, timeout=60,
    )  # fmt: skip
    assert done.returncode != 0 and "greedyy" in done.stderr
