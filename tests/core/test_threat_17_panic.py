"""THREATS.md property 17: `mutualaid panic` destroys the key ring; from then on nothing decrypts, the site
stays up on every page and says so, and nothing new is sealed with a silently created key."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from mutualaid.core import encryption
from tests.conftest import make_user

BANNER = "The encryption keys of this server were destroyed."


def _panic(*extra: str) -> str:
    out = io.StringIO()
    call_command("panic", "--yes", *extra, stdout=out)
    return out.getvalue()


def test_panic_makes_every_sensitive_field_unreadable(db: Any, own_keyring: Path) -> None:
    from mutualaid.members.models import User

    make_user("ada", email="ada@example.org", phone="+1 718 555 0101")
    assert User.objects.get(username="ada").email == "ada@example.org"
    assert "The key ring was destroyed" in _panic()
    ada = User.objects.get(username="ada")
    assert (ada.email, ada.phone) == (None, None)
    assert encryption.keyring_destroyed()
    assert not own_keyring.exists()
    # A restart does not quietly make a new key ring (new data would be sealed with a key nobody saved).
    encryption._cached = None
    assert encryption.load_keyring() is None
    with pytest.raises(encryption.KeyRingError):
        encryption.encrypt("x", context="t.c")


def test_the_site_stays_up_and_says_so(db: Any, own_keyring: Path) -> None:
    from tests.access import ROLES
    from tests.test_access_matrix import ROUTES, _client, build_world

    world = build_world()
    world.users["ben"].email = "ben@example.org"
    world.users["ben"].save()
    _panic()
    # Every page of ours (the Django admin has its own layout, for operators).
    pages = [r for r in ROUTES if r.method == "GET" and not r.api and not r.name.startswith("admin:")]
    for role in ROLES:
        client = _client(world, role, api=False)
        for route in pages:
            response = client.get(reverse(route.name, kwargs=route.kwargs(world)), route.data(world))
            assert response.status_code < 500, f"{route.key} as {role}"
            if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
                assert BANNER in response.content.decode(), f"{route.key} as {role}: no banner"


def test_saving_a_sensitive_field_after_panic_is_refused_clearly(
    db: Any, own_keyring: Path, client_for: Any, api_for: Any
) -> None:
    from mutualaid.members.models import User

    ben = make_user("ben")
    api = api_for(ben)
    _panic()
    response = client_for(ben).post(
        reverse("profile"), {"display_name": "Ben", "language": "en", "email": "ben@example.org", "phone": ""}
    )
    assert response.status_code == 503
    assert "encryption keys were destroyed" in response.content.decode()
    assert User.objects.get(pk=ben.pk).email == ""
    response = api.put(
        "/api/v1/me",
        {"display_name": "Ben", "language": "en", "email": "ben@example.org", "phone": ""},
        content_type="application/json",
    )
    assert response.status_code == 503
    assert response.json() == {"detail": "the encryption keys were destroyed"}


def test_panic_with_wipe_deletes_every_row(transactional_db: Any, own_keyring: Path) -> None:
    from mutualaid.groups.models import Group
    from mutualaid.members.models import User

    make_user("ada", email="ada@example.org")
    Group.objects.create(name="Crown", slug="crown")
    out = _panic("--wipe-database")
    assert "Deleted " in out
    assert User.objects.count() == 0 and Group.objects.count() == 0
    assert encryption.keyring_destroyed()


def test_panic_also_stops_a_key_ring_from_the_environment(
    db: Any, own_keyring: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ring = encryption.KeyRing.generate()
    monkeypatch.setenv("MUTUALAID_KEYRING", ring.to_json())
    sealed = encryption.encrypt("secret", context="t.c")
    out = _panic()
    assert "MUTUALAID_KEYRING" in out
    assert encryption.decrypt(sealed, context="t.c") is None


def test_panic_asks_before_destroying(db: Any, own_keyring: Path) -> None:
    encryption.load_keyring()
    with pytest.raises(CommandError, match="without --yes"):
        call_command("panic")
    assert not encryption.keyring_destroyed()
