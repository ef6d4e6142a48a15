"""THREATS.md property 14: `mutualaid check` judges the operator's real production settings.

Each test runs a fresh process, as the operator would: settings are read once per process, and the check
forces nothing on itself, so a shell without the production environment fails."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.deploy.envfile import production_env

pytestmark = pytest.mark.own_install


def check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mutualaid.cli", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_passes_with_the_shipped_production_environment(tmp_path: Path) -> None:
    result = check(production_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_fails_with_no_environment_and_names_the_variables(tmp_path: Path) -> None:
    env = production_env(tmp_path)
    env = {k: v for k, v in env.items() if not k.startswith("MUTUALAID_") and k != "SECRET_KEY"}
    env["MUTUALAID_DATA_DIR"] = str(tmp_path)
    result = check(env)
    assert result.returncode != 0
    for variable in ("MUTUALAID_HTTPS", "MUTUALAID_ALLOWED_HOSTS", "MUTUALAID_PUBLIC_URL"):
        assert f"Set {variable}=" in result.stderr, variable
    # The default key ring sits in the data dir: a copy of the data dir would be a copy of the keys.
    assert "mutualaid.W007" in result.stderr and "mutualaid.W008" in result.stderr


def test_check_fails_on_a_deployment_warning(tmp_path: Path) -> None:
    """Django's own deployment checks still count: a weak SECRET_KEY fails."""
    result = check(production_env(tmp_path, SECRET_KEY="short"))
    assert result.returncode != 0
    assert "security.W009" in result.stderr


def test_each_inconsistent_setting_names_its_variable(tmp_path: Path) -> None:
    cases = {
        "MUTUALAID_BEHIND_PROXY": ({"MUTUALAID_BEHIND_PROXY": "false"}, "mutualaid.W005"),
        "MUTUALAID_CSRF_TRUSTED_ORIGINS": (
            {"MUTUALAID_PUBLIC_URL": "https://aid.example.org:8443"},
            "Set MUTUALAID_CSRF_TRUSTED_ORIGINS=https://aid.example.org:8443",
        ),
        "MUTUALAID_ALLOWED_HOSTS": ({"MUTUALAID_ALLOWED_HOSTS": "other.example.org"}, "mutualaid.W002"),
        "MUTUALAID_FORWARDED_ALLOW_IPS": ({"MUTUALAID_BIND": "10.0.0.11:8000"}, "mutualaid.W006"),
    }
    for variable, (overrides, expected) in cases.items():
        result = check(production_env(tmp_path / variable, **overrides))
        assert result.returncode != 0, variable
        assert expected in result.stderr and variable in result.stderr, (variable, result.stderr)


def test_a_key_file_readable_by_others_or_in_the_data_dir_fails(tmp_path: Path) -> None:
    keys = tmp_path / "etc" / "keys.json"
    keys.parent.mkdir()
    env = production_env(tmp_path / "data", MUTUALAID_KEY_FILE=str(keys))
    del env["MUTUALAID_KEYRING"]
    created = subprocess.run(
        [sys.executable, "-m", "mutualaid.cli", "keys", "init", "--file", str(keys)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert oct(keys.stat().st_mode & 0o777) == "0o600", created.stdout
    assert check(env).returncode == 0, "a private key file outside the data dir passes"
    keys.chmod(0o644)
    result = check(env)
    assert result.returncode != 0 and "readable by every user" in result.stderr
    inside = production_env(tmp_path / "data2")
    del inside["MUTUALAID_KEYRING"]
    result = check(inside)
    assert result.returncode != 0 and "lives in the data dir" in result.stderr
