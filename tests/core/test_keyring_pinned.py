"""A bulk send loads the key ring once (core.encryption.keyring_pinned): values sealed inside the block
read back outside it, and a destroyed ring is refused at the start of the block."""

from __future__ import annotations

from typing import Any

import pytest

from mutualaid.core import encryption

pytestmark = pytest.mark.pure


def test_sealed_inside_reads_outside(monkeypatch: Any) -> None:
    calls = {"n": 0}
    real = encryption.key_file

    def counting() -> Any:
        calls["n"] += 1
        return real()

    monkeypatch.setattr(encryption, "key_file", counting)
    with encryption.keyring_pinned():
        before = calls["n"]
        sealed = [encryption.encrypt(f"+1718555{i:04d}", context="t.c") for i in range(50)]
        assert calls["n"] == before  # no look at the key file per value
    assert [encryption.decrypt(s, context="t.c") for s in sealed] == [f"+1718555{i:04d}" for i in range(50)]


def test_a_destroyed_ring_is_refused(monkeypatch: Any) -> None:
    monkeypatch.setattr(encryption, "load_keyring", lambda: None)
    with pytest.raises(encryption.KeyRingError), encryption.keyring_pinned():
        pass
