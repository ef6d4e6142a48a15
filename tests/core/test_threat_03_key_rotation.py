"""THREATS.md property 3 (rotation): `mutualaid keys rotate` re-seals every encrypted field of every model
with a new primary key, in batches; an interrupted run is finished by `mutualaid keys reencrypt`."""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from mutualaid.core import encryption, keys
from mutualaid.core.encryption import load_keyring
from tests.conftest import make_user


@pytest.fixture
def sealed(db: Any, own_keyring: Path) -> list[Any]:
    from mutualaid.groups.models import Group
    from mutualaid.members import services

    group = Group.objects.create(name="Crown", slug="crown", accepts_requests=True)
    users = [make_user(f"member{i}", email=f"m{i}@example.org", phone=f"+1718555{i:04d}") for i in range(5)]
    services.invitation_create(group=group, created_by=users[0], note="call after 6pm")
    services.join_request_create(group=group, user=users[1], message="I can drive on Sundays")
    return users


def _values() -> dict[str, list[Any]]:
    from mutualaid.core.classification import encrypted_fields

    return {
        f"{m._meta.label}.{f.name}": sorted(str(v) for v in m._default_manager.values_list(f.name, flat=True))
        for m, f in encrypted_fields()
    }


def test_rotate_reseals_every_value_with_the_new_primary(sealed: list[Any]) -> None:
    before = _values()
    old = load_keyring()
    assert old is not None
    out = io.StringIO()
    call_command("keys", "rotate", "--batch-size", "2", stdout=out)
    ring = load_keyring()
    assert ring is not None and ring.primary != old.primary
    assert set(ring.keys) == {old.primary, ring.primary}
    assert dict(keys.key_usage()) == {ring.primary: 12}  # 5 e-mails, 5 phones, a note, a message
    assert _values() == before
    assert f"New primary key {ring.primary}" in out.getvalue()
    assert "Re-sealed 12 values." in out.getvalue()


def test_an_interrupted_rotation_is_finished_by_reencrypt(sealed: list[Any]) -> None:
    before = _values()
    old = load_keyring()
    ring = keys.keyring_rotate()
    partial = keys.reencrypt_all(batch_size=1, limit=3)
    assert partial.resealed == 3
    usage = keys.key_usage()
    assert usage[ring.primary] == 3 and usage[old.primary] == 9
    call_command("keys", "reencrypt", stdout=io.StringIO())
    assert dict(keys.key_usage()) == {ring.primary: 12}
    assert _values() == before
    # Running it again changes nothing.
    assert keys.reencrypt_all().resealed == 0


def test_retire_drops_keys_nothing_uses(sealed: list[Any]) -> None:
    old = load_keyring()
    call_command("keys", "rotate", stdout=io.StringIO())
    out = io.StringIO()
    call_command("keys", "retire", stdout=out)
    ring = load_keyring()
    assert ring is not None and list(ring.keys) == [ring.primary]
    assert f"Retired keys: {old.primary}" in out.getvalue()
    assert sealed[0].__class__.objects.get(pk=sealed[0].pk).email == "m0@example.org"


def test_show_prints_key_ids_never_keys(sealed: list[Any]) -> None:
    ring = load_keyring()
    assert ring is not None
    out = io.StringIO()
    call_command("keys", "show", stdout=out)
    text = out.getvalue()
    assert f"{ring.primary} (primary): seals 12 values" in text
    for key in [*ring.keys.values(), ring.index_key]:
        assert base64.urlsafe_b64encode(key).decode() not in text


def test_rotate_with_an_environment_key_ring_writes_a_new_ring(
    sealed: list[Any], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    ring = load_keyring()
    assert ring is not None
    monkeypatch.setenv("MUTUALAID_KEYRING", ring.to_json())
    with pytest.raises(CommandError, match="MUTUALAID_KEYRING"):
        call_command("keys", "rotate")
    target = tmp_path / "new.json"
    call_command("keys", "rotate", "--output", str(target), stdout=io.StringIO())
    new = json.loads(target.read_text())
    assert new["primary"] != ring.primary and ring.primary in new["keys"]
    monkeypatch.setenv("MUTUALAID_KEYRING", target.read_text())
    call_command("keys", "reencrypt", stdout=io.StringIO())
    assert dict(keys.key_usage()) == {new["primary"]: 12}


def test_second_factor_seeds_are_resealed_and_still_work(db: Any, own_keyring: Path) -> None:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from tests.conftest import make_user
    from tests.totp import current_code

    ada = make_user("ada")
    secret = generate_totp_secret()
    TOTP.activate(ada, secret)
    old = load_keyring()
    call_command("keys", "rotate", stdout=io.StringIO())
    call_command("keys", "retire", stdout=io.StringIO())
    ring = load_keyring()
    assert ring is not None and old is not None and old.primary not in ring.keys
    authenticator = Authenticator.objects.get(user=ada)
    assert encryption.sealing_key_id(authenticator.data["secret"]) == ring.primary
    assert TOTP(authenticator).validate_code(current_code(secret))
