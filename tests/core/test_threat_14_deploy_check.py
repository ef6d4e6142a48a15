"""THREATS.md property 14: production settings pass Django's deployment checks (`mutualaid check`)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_mutualaid_check_passes_with_production_settings(tmp_path: Path) -> None:
    # A fresh process: settings are read once per process, and `mutualaid check` sets production values first.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MUTUALAID_", "DJANGO_", "DATABASE_URL"))}
    env["MUTUALAID_DATA_DIR"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "mutualaid.cli", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_fails_on_a_deployment_warning(tmp_path: Path) -> None:
    """The check is not a formality: an insecure setting makes it fail."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MUTUALAID_", "DJANGO_", "DATABASE_URL"))}
    env["MUTUALAID_DATA_DIR"] = str(tmp_path)
    env["SECRET_KEY"] = "short"
    result = subprocess.run(
        [sys.executable, "-m", "mutualaid.cli", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "security.W009" in result.stderr
