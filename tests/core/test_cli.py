"""The `mutualaid` command: the demo loads idempotently (`mutualaid check`: test_threat_14_deploy_check.py)."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.mark.own_install
def test_demo_loads_once_and_twice_changes_nothing(tmp_path: Any) -> None:
    """The README's first command, minus the server: a fresh SQLite install, run twice."""
    import os
    import sqlite3
    import subprocess
    import sys

    env = {**os.environ, "MUTUALAID_DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)

    def run() -> tuple[str, tuple[int, int, int]]:
        result = subprocess.run(
            [sys.executable, "-m", "mutualaid.cli", "demo", "--no-serve"],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        with sqlite3.connect(tmp_path / "mutualaid.sqlite3") as db:
            counts = tuple(
                db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]  # noqa: S608 - fixed names
                for t in ("members_user", "groups_group", "members_membership")
            )
        return result.stdout, counts

    out, first = run()
    _out, second = run()
    assert first == second, "a second run duplicates nothing"
    assert first[0] >= 12 and first[1] == 2
    assert "ada" in out and "coordinator of crown-heights" in out
    assert oct((tmp_path / "mutualaid.sqlite3").stat().st_mode & 0o777) == "0o600"


def test_the_demo_keeps_its_neighbourhoods_time_unless_told_otherwise() -> None:
    """The demo network is in Brooklyn: in UTC a run's day ended at 19:00 there, and its driver lost the
    stops' addresses and buttons in the middle of the evening round."""
    from mutualaid.cli import demo_environment

    environ: dict[str, str] = {}
    demo_environment(environ)
    assert environ["MUTUALAID_TIME_ZONE"] == "America/New_York"
    assert environ["MUTUALAID_REQUIRE_COORDINATOR_MFA"] == "false"
    chosen = {"MUTUALAID_TIME_ZONE": "Europe/Madrid"}
    demo_environment(chosen)
    assert chosen["MUTUALAID_TIME_ZONE"] == "Europe/Madrid"
