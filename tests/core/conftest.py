from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


@pytest.fixture
def own_keyring(settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A key ring of this test's own, so destroying or rotating it touches no other test."""
    monkeypatch.delenv("MUTUALAID_KEYRING", raising=False)
    path = tmp_path / "keyring" / "keys.json"
    settings.MUTUALAID_KEY_FILE = path
    return path
