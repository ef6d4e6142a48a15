"""THREATS.md property 3: keys live apart from data. A dump restored on a host without the key ring
shows no sensitive field; with the key ring back, every field reads again."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from mutualaid.core.backup import dump_database, load_database
from mutualaid.core.encryption import load_keyring
from tests.conftest import make_user

EMAIL = "keys-apart@example.org"


def _seed() -> None:
    from mutualaid.groups.models import Group
    from mutualaid.members import services

    ada = make_user("ada", email=EMAIL, phone="+1 347 555 0100")
    group = Group.objects.create(name="Crown", slug="crown")
    services.invitation_create(group=group, created_by=ada, note="her address is 5 Kingston Ave")


def test_no_key_material_in_the_database(transactional_db: Any, own_keyring: Path, tmp_path: Path) -> None:
    _seed()
    ring = load_keyring()
    assert ring is not None
    dump = tmp_path / "plain"
    dump_database(dump, plain=True)
    data = dump.read_bytes()
    for key in [*ring.keys.values(), ring.index_key]:
        assert key not in data
        assert base64.urlsafe_b64encode(key) not in data
        assert key.hex().encode() not in data
    assert b"keys.json" not in data


def test_a_dump_restored_without_the_key_ring_does_not_decrypt(
    transactional_db: Any, own_keyring: Path, settings: Any, tmp_path: Path
) -> None:
    from mutualaid.members.models import Invitation, User

    _seed()
    dump = tmp_path / "dump"
    dump_database(dump)

    # A seized copy of the database, read on another machine: a fresh key ring, not the original.
    settings.MUTUALAID_KEY_FILE = tmp_path / "elsewhere" / "keys.json"
    load_database(dump)
    ada = User.objects.get(username="ada")
    assert (ada.email, ada.phone) == (None, None)
    assert Invitation.objects.get().note is None
    assert ada.email_index != ""  # the digest is there, useless without the index key

    # The same dump with the original key ring: everything reads again.
    settings.MUTUALAID_KEY_FILE = own_keyring
    ada = User.objects.get(username="ada")
    assert ada.email == EMAIL
    assert Invitation.objects.get().note == "her address is 5 Kingston Ave"


def test_key_file_is_private_and_outside_the_database(own_keyring: Path) -> None:
    load_keyring()
    assert own_keyring.exists()
    assert own_keyring.stat().st_mode & 0o077 == 0
