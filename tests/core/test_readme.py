"""The README stays true: every environment variable the code reads is documented there."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import mutualaid

pytestmark = pytest.mark.pure

ROOT = Path(mutualaid.__file__).resolve().parents[2]


def test_every_environment_variable_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    used: set[str] = set()
    for path in (ROOT / "src" / "mutualaid").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        used |= set(
            re.findall(
                r"""(?:env_\w+|environ(?:\.get)?|getenv|setdefault)\(\s*["'](MUTUALAID_[A-Z0-9_]+|DATABASE_URL|SECRET_KEY)["']""",
                text,
            )
        )
        used |= set(re.findall(r"""environ\[\s*["'](MUTUALAID_[A-Z0-9_]+)["']\s*\]""", text))
    missing = sorted(v for v in used if v not in readme)
    assert not missing, f"document these in the README's configuration table: {missing}"


def test_readme_names_the_two_commands_and_ci_runs_the_second() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "scripts/demo" in readme and "scripts/test" in readme
    assert "scripts/test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
