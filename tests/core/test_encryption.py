"""Field encryption: sealed in the app, bound to its column, readable across key rotation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mutualaid.core import encryption


@pytest.fixture
def key_file(tmp_path: Path, settings: Any) -> Path:
    settings.MUTUALAID_KEY_FILE = tmp_path / "keys.json"
    encryption._cached = None
    yield settings.MUTUALAID_KEY_FILE
    encryption._cached = None


def test_round_trip_and_ciphertexts_differ(key_file: Path) -> None:
    one = encryption.encrypt("+13475550101", context="members_user.phone")
    two = encryption.encrypt("+13475550101", context="members_user.phone")
    assert one != two and "3475550101" not in one
    assert encryption.decrypt(one, context="members_user.phone") == "+13475550101"
    assert key_file.stat().st_mode & 0o777 == 0o600


def test_ciphertext_copied_to_another_column_does_not_decrypt(key_file: Path) -> None:
    sealed = encryption.encrypt("secret note", context="exchange_need.address")
    assert encryption.decrypt(sealed, context="members_user.email") is None


def test_tampered_ciphertext_reads_as_none(key_file: Path) -> None:
    sealed = encryption.encrypt("x", context="t.c")
    assert encryption.decrypt(sealed[:-4] + "AAAA", context="t.c") is None


def test_old_keys_still_decrypt_after_a_new_primary(key_file: Path) -> None:
    old = encryption.encrypt("before rotation", context="t.c")
    ring = encryption.load_keyring()
    assert ring is not None
    encryption.write_keyring(ring.with_new_primary())
    new = encryption.encrypt("after rotation", context="t.c")
    assert encryption.sealing_key_id(old) != encryption.sealing_key_id(new)
    assert encryption.decrypt(old, context="t.c") == "before rotation"


def test_blind_index_is_stable_keyed_and_purpose_bound(key_file: Path) -> None:
    a = encryption.blind_index("3475550101", purpose="phone")
    assert a == encryption.blind_index("3475550101", purpose="phone")
    assert a != encryption.blind_index("3475550101", purpose="email")
    assert "3475550101" not in a


def test_destroyed_key_ring_makes_everything_unreadable_and_is_not_recreated(key_file: Path) -> None:
    sealed = encryption.encrypt("gone", context="t.c")
    encryption.destroy_keyring()
    assert not key_file.exists()
    assert encryption.keyring_destroyed()
    assert encryption.decrypt(sealed, context="t.c") is None
    with pytest.raises(encryption.KeyRingError):
        encryption.encrypt("new", context="t.c")


def test_key_ring_from_environment(monkeypatch: pytest.MonkeyPatch, key_file: Path) -> None:
    ring = encryption.KeyRing.generate()
    monkeypatch.setenv("MUTUALAID_KEYRING", ring.to_json())
    sealed = encryption.encrypt("from env", context="t.c")
    assert encryption.sealing_key_id(sealed) == ring.primary
    assert not key_file.exists(), "with the ring in the environment no key file is written"


def test_malformed_key_ring_fails_loudly(monkeypatch: pytest.MonkeyPatch, key_file: Path) -> None:
    monkeypatch.setenv("MUTUALAID_KEYRING", '{"primary": "x"}')
    with pytest.raises(encryption.KeyRingError, match="malformed"):
        encryption.encrypt("x", context="t.c")
