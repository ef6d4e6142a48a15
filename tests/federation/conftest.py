"""A stand-in fediverse account for in-process tests: its own key pair and actor document, served
to the code under test in place of the network, and a way to POST signed activities to an inbox."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson
import pytest
from django.test import Client
from django.utils import timezone

from mutualaid.federation import documents, remote, rfc9421, signatures

REMOTE = "https://social.example"


@dataclass
class Remote:
    name: str
    key: Any = field(default_factory=signatures.new_private_key)
    shared_inbox: bool = True

    @property
    def actor(self) -> str:
        return f"{REMOTE}/users/{self.name}"

    @property
    def key_id(self) -> str:
        return self.actor + "#main-key"

    def document(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "id": self.actor,
            "type": "Person",
            "inbox": self.actor + "/inbox",
            "publicKey": {
                "id": self.key_id,
                "owner": self.actor,
                "publicKeyPem": signatures.public_pem(self.key),
            },
        }
        if self.shared_inbox:
            doc["endpoints"] = {"sharedInbox": f"{REMOTE}/inbox"}
        return doc


@dataclass
class Fediverse:
    people: dict[str, Remote] = field(default_factory=dict)
    fetches: list[str] = field(default_factory=list)

    def person(self, name: str, **kwargs: Any) -> Remote:
        self.people[name] = Remote(name, **kwargs)
        return self.people[name]

    def fetch(self, url: str, **_: Any) -> dict[str, Any]:
        self.fetches.append(url)
        for person in self.people.values():
            if url == person.actor:
                return person.document()
        raise remote.RemoteError("not found")

    def post(
        self,
        path: str,
        activity: dict[str, Any],
        *,
        signer: Remote,
        body: bytes | None = None,
        when: Any = None,
        tamper: bytes | None = None,
        scheme: str = "cavage",
    ) -> Any:
        raw = body if body is not None else orjson.dumps(activity)
        if scheme == "rfc9421":
            headers = rfc9421.sign(
                method="POST",
                url=documents.absolute(path),
                host="testserver",
                key_id=signer.key_id,
                private_key=signer.key,
                now=when or timezone.now(),
                body=raw,
            )
        else:
            headers = signatures.sign(
                method="POST",
                path=path,
                host="testserver",
                key_id=signer.key_id,
                private_key=signer.key,
                now=when or timezone.now(),
                body=raw,
            )
        headers.pop("Host")
        content_type = headers.pop("Content-Type")
        return Client().post(
            path, data=tamper if tamper is not None else raw, content_type=content_type, headers=headers
        )


@pytest.fixture
def fediverse(monkeypatch: pytest.MonkeyPatch) -> Fediverse:
    world = Fediverse()
    monkeypatch.setattr(remote, "fetch_json", world.fetch)
    return world


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict[str, Any]]]:
    """Deliveries the worker made (inbox, activity), answered 202, instead of the network."""
    out: list[tuple[str, dict[str, Any]]] = []

    def post(url: str, *, body: bytes, key_id: str, private_key: Any, **_: Any) -> int:
        out.append((url, orjson.loads(body)))
        return 202

    monkeypatch.setattr(remote, "post", post)
    return out
