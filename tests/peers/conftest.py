"""An install linked to itself, for fast in-process tests: what it sends to its peer arrives in its own
inbox through the test client, signed and checked exactly as between two servers. Crown refers needs to
Bush, which plays the group on the other server (the `out` and `in` rows of one referral share a uid)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from mutualaid.federation import remote, signatures
from mutualaid.peers import keys
from mutualaid.peers.models import Peer, PeerGroup

BASE = "http://testserver"


class Loop:
    def __init__(self) -> None:
        self.down = 0  # the next n deliveries fail as if the peer were unreachable
        self.posts: list[tuple[str, bytes, int]] = []

    def post(self, url: str, *, body: bytes, key_id: str, private_key: Any) -> int:
        if self.down:
            self.down -= 1
            raise remote.RemoteError("delivery failed")
        path = urlsplit(url).path
        headers = signatures.sign(
            method="POST",
            path=path,
            host="testserver",
            key_id=key_id,
            private_key=private_key,
            now=timezone.now(),
            body=body,
        )
        headers.pop("Host")
        content_type = headers.pop("Content-Type")
        status = Client().post(path, data=body, content_type=content_type, headers=headers).status_code
        self.posts.append((path, body, status))
        return status

    def fetch_json(self, url: str, *, key_id: str | None = None, private_key: Any = None) -> dict[str, Any]:
        path = urlsplit(url).path
        headers: dict[str, str] = {}
        if key_id and private_key is not None:
            headers = signatures.sign(
                method="GET",
                path=path,
                host="testserver",
                key_id=key_id,
                private_key=private_key,
                now=timezone.now(),
            )
            headers.pop("Host")
        answer = Client().get(path, headers=headers)
        if answer.status_code != 200:
            raise remote.RemoteError("fetch failed")
        found: dict[str, Any] = answer.json()
        return found


@pytest.fixture
def loop(monkeypatch: pytest.MonkeyPatch) -> Loop:
    monkeypatch.setenv("MUTUALAID_PUBLIC_URL", BASE)
    world = Loop()
    monkeypatch.setattr(remote, "post", world.post)
    monkeypatch.setattr(remote, "fetch_json", world.fetch_json)
    return world


@pytest.fixture
def peer(loop: Loop, crown: Any, bush: Any) -> Peer:
    pem = keys.install_key().public_key_pem
    return Peer.objects.create(
        url=BASE, key_id=keys.key_id(), public_key_pem=pem, fingerprint=keys.fingerprint(pem)
    )


@pytest.fixture
def bush_there(peer: Peer, bush: Any) -> PeerGroup:
    """Bush as the shared directory shows it (the worker's refresh, run now)."""
    from mutualaid.peers import directory

    assert directory.refresh(peer) >= 2
    return PeerGroup.objects.get(peer=peer, slug=bush.slug)
