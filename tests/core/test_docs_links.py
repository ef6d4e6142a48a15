"""The project documents its own formats and speaks of itself only (issue 11): every relative link in the
README, docs/ and bench/ resolves inside the repository, and no text speaks of work sessions."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.pure

ROOT = Path(__file__).resolve().parents[2]
TEXTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), *sorted((ROOT / "bench").glob("*.md"))]


def test_relative_links_resolve_inside_the_repository() -> None:
    broken = []
    for text in TEXTS:
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text.read_text()):
            if "://" in target or target.startswith("mailto:"):
                continue
            resolved = (text.parent / target).resolve()
            if not resolved.exists() or not resolved.is_relative_to(ROOT):
                broken.append(f"{text.relative_to(ROOT)}: {target}")
    assert not broken, broken


def test_no_work_session_wording() -> None:
    pattern = re.compile(r"\bsession \d|\bsession's|engineers'|\bs\d-[a-z]+\b", re.IGNORECASE)
    found = [
        f"{text.relative_to(ROOT)}: {line.strip()}"
        for text in TEXTS
        for line in text.read_text().splitlines()
        if pattern.search(line)
    ]
    assert not found, found
