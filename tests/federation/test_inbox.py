"""Incoming activities: WebFinger and the actor, Follow → Accept, Undo, Delete, and every refusal
(unsigned, wrong key, changed body, old Date, replay, oversize, too deep, flood per key)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import orjson
import pytest
from django.test import Client
from django.utils import timezone

from mutualaid.federation import conf, delivery, documents, signatures
from mutualaid.federation.models import Activity, Follower, RemoteKey
from tests.federation.conftest import Fediverse

pytestmark = pytest.mark.django_db


def inbox(group: Any) -> str:
    return f"/ap/groups/{group.slug}/inbox"


def follow(person: Any, group: Any, n: int = 1) -> dict[str, Any]:
    return {
        "id": f"{person.actor}/follows/{n}",
        "type": "Follow",
        "actor": person.actor,
        "object": documents.actor_id(group.slug),
    }


def test_webfinger_and_actor_describe_a_listed_group_only(crown: Any, bush: Any) -> None:
    client = Client()
    answer = client.get("/.well-known/webfinger", {"resource": f"acct:crown@{conf.host()}"})
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/jrd+json"
    self_link = next(link for link in answer.json()["links"] if link["rel"] == "self")
    assert self_link["href"] == documents.actor_id("crown")

    actor = client.get("/ap/groups/crown", headers={"Accept": "application/activity+json"}).json()
    assert actor["type"] == "Group"
    assert actor["preferredUsername"] == "crown"
    key = signatures.load_public(actor["publicKey"]["publicKeyPem"])
    assert key.key_size == 2048
    assert actor["publicKey"]["owner"] == actor["id"]
    # The same key next time: made once, private half sealed.
    again = client.get("/ap/groups/crown").json()
    assert again["publicKey"]["publicKeyPem"] == actor["publicKey"]["publicKeyPem"]
    assert crown.actor.private_key_pem.startswith("-----BEGIN PRIVATE KEY")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT private_key_pem FROM federation_groupactor")
        assert not cursor.fetchone()[0].startswith("-----BEGIN")

    bush.listed = False
    bush.save()
    assert client.get("/ap/groups/bush").status_code == 404
    assert client.get("/.well-known/webfinger", {"resource": f"acct:bush@{conf.host()}"}).status_code == 404
    assert (
        client.get("/.well-known/webfinger", {"resource": "acct:crown@elsewhere.example"}).status_code == 404
    )
    assert client.get("/.well-known/webfinger").status_code == 400
    # A browser is sent to the group's page.
    assert client.get("/ap/groups/crown", headers={"Accept": "text/html"})["Location"] == "/g/crown/"


def test_follow_is_accepted_and_undo_and_delete_forget_it(
    crown: Any, fediverse: Fediverse, sent: list[tuple[str, dict[str, Any]]]
) -> None:
    amy = fediverse.person("amy")
    answer = fediverse.post(inbox(crown), follow(amy, crown), signer=amy)
    assert answer.status_code == 202
    follower = Follower.objects.get(group=crown)
    assert follower.actor_url == amy.actor
    assert follower.shared_inbox_url == "https://social.example/inbox"
    # The Accept goes to the follower's own inbox, signed by the group, through the queue.
    assert delivery.run_due() == {"sent": 1, "retry": 0, "gave_up": 0}
    ((url, accept),) = sent
    assert url == amy.actor + "/inbox"
    assert accept["type"] == "Accept" and accept["object"]["id"] == f"{amy.actor}/follows/1"
    assert accept["actor"] == documents.actor_id("crown")

    # A retried delivery of the same Follow is recognised: no second Accept.
    assert fediverse.post(inbox(crown), follow(amy, crown), signer=amy).status_code == 202
    assert Activity.objects.filter(kind="accept").count() == 1
    assert Client().get("/ap/groups/crown/followers").json()["totalItems"] == 1
    assert "orderedItems" not in Client().get("/ap/groups/crown/followers").json()

    undo = {"id": f"{amy.actor}/undo/1", "type": "Undo", "actor": amy.actor, "object": follow(amy, crown)}
    assert fediverse.post(inbox(crown), undo, signer=amy).status_code == 202
    assert not Follower.objects.exists()

    # Follow again through the shared inbox, then the account is deleted on its server.
    assert fediverse.post("/ap/inbox", follow(amy, crown, 2), signer=amy).status_code == 202
    assert Follower.objects.count() == 1
    delete = {"id": f"{amy.actor}#delete", "type": "Delete", "actor": amy.actor, "object": amy.actor}
    assert fediverse.post("/ap/inbox", delete, signer=amy).status_code == 202
    assert not Follower.objects.exists()
    assert not RemoteKey.objects.exists()


def test_other_types_are_ignored_politely(crown: Any, fediverse: Fediverse) -> None:
    amy = fediverse.person("amy")
    like = {"id": f"{amy.actor}/likes/1", "type": "Like", "actor": amy.actor, "object": "https://x.example/1"}
    assert fediverse.post(inbox(crown), like, signer=amy).status_code == 202
    assert not Follower.objects.exists() and not Activity.objects.exists()


def test_forged_and_replayed_requests_are_refused(crown: Any, fediverse: Fediverse) -> None:
    amy, mallory = fediverse.person("amy"), fediverse.person("mallory")
    activity = follow(amy, crown)
    # Unsigned.
    assert (
        Client()
        .post(inbox(crown), data=orjson.dumps(activity), content_type="application/activity+json")
        .status_code
        == 401
    )
    # Signed with another key than the actor's (mallory claims to be amy).
    assert fediverse.post(inbox(crown), activity, signer=mallory).status_code == 401
    # Body changed after signing.
    changed = orjson.dumps({**activity, "object": documents.actor_id("bush")})
    assert fediverse.post(inbox(crown), activity, signer=amy, tamper=changed).status_code == 401
    # An old request replayed.
    old = timezone.now() - timedelta(seconds=conf.date_window() + 60)
    assert fediverse.post(inbox(crown), activity, signer=amy, when=old).status_code == 401
    # And the honest request still works.
    assert fediverse.post(inbox(crown), activity, signer=amy).status_code == 202
    assert Follower.objects.count() == 1
    # amy's server changes its key: the cached one fails, one re-fetch finds the new one.
    amy.key = signatures.new_private_key()
    undo = {"id": f"{amy.actor}/undo/9", "type": "Undo", "actor": amy.actor, "object": activity}
    assert fediverse.post(inbox(crown), undo, signer=amy).status_code == 202
    assert not Follower.objects.exists()


@pytest.mark.usefixtures("one_rate_window")
def test_size_depth_and_flood_limits(
    crown: Any, fediverse: Fediverse, monkeypatch: pytest.MonkeyPatch
) -> None:
    amy = fediverse.person("amy")
    big = {"id": f"{amy.actor}/big", "type": "Note", "actor": amy.actor, "content": "x" * conf.MAX_BODY}
    assert fediverse.post(inbox(crown), big, signer=amy).status_code == 413
    deep: dict[str, Any] = {"a": 1}
    for _ in range(conf.MAX_DEPTH + 2):
        deep = {"a": deep}
    nested = {"id": f"{amy.actor}/deep", "type": "Note", "actor": amy.actor, "object": deep}
    assert fediverse.post(inbox(crown), nested, signer=amy).status_code == 400

    monkeypatch.setenv("MUTUALAID_FEDERATION_INBOX_RATE", "3/m")
    flo = fediverse.person("flo")
    codes = [
        fediverse.post(
            inbox(crown), {"id": f"{flo.actor}/n/{i}", "type": "Like", "actor": flo.actor}, signer=flo
        ).status_code
        for i in range(4)
    ]
    assert codes == [202, 202, 202, 429]
    # Another key is not held back by amy's flood.
    ben = fediverse.person("bea")
    assert (
        fediverse.post(
            inbox(crown), {"id": f"{ben.actor}/n/1", "type": "Like", "actor": ben.actor}, signer=ben
        ).status_code
        == 202
    )
