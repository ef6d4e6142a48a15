"""Linking and unlinking installs (the CLI), what a request must be to be heard (signed by a linked
install's pinned key, body unchanged, fresh Date), and the shared directory in the public search."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import orjson
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from mutualaid.federation import signatures
from mutualaid.peers import delivery, directory, keys, services
from mutualaid.peers.models import Message, Peer, PeerGroup, Referral, ReferralState
from tests.helpers import make_post
from tests.peers.conftest import BASE, Loop

pytestmark = pytest.mark.django_db


def signed(
    body: dict[str, Any],
    *,
    key: Any = None,
    key_id: str | None = None,
    when: Any = None,
    tamper: bytes | None = None,
) -> int:
    raw = orjson.dumps(body)
    headers = signatures.sign(
        method="POST",
        path="/peers/inbox",
        host="testserver",
        key_id=key_id or keys.key_id(),
        private_key=key or keys.private_key(),
        now=when or timezone.now(),
        body=raw,
    )
    headers.pop("Host")
    content_type = headers.pop("Content-Type")
    return (
        Client()
        .post(
            "/peers/inbox",
            data=tamper if tamper is not None else raw,
            content_type=content_type,
            headers=headers,
        )
        .status_code
    )


def test_the_actor_publishes_the_install_key_and_its_fingerprint(loop: Loop) -> None:
    actor = Client().get("/peers/actor").json()
    assert actor["id"] == f"{BASE}/peers/actor" and actor["publicKey"]["id"] == keys.key_id()
    candidate = services.describe(BASE + "/anything")
    assert candidate.url == BASE
    assert candidate.fingerprint == keys.fingerprint(actor["publicKey"]["publicKeyPem"])
    assert len(candidate.fingerprint.split(":")) == 32


def test_cli_links_after_the_fingerprint_matches_lists_and_unlinks(
    loop: Loop, monkeypatch: pytest.MonkeyPatch, crown: Any
) -> None:
    # Linked to itself, the install plays "the other one" here.
    monkeypatch.setattr(services, "is_self", lambda candidate: False)
    with pytest.raises(CommandError, match="does not match"):
        call_command("peers", "link", BASE, "--fingerprint", "AB:CD")
    assert not Peer.objects.exists()
    out = io.StringIO()
    fingerprint = keys.fingerprint(keys.install_key().public_key_pem)
    call_command("peers", "link", BASE, "--fingerprint", fingerprint, stdout=out)
    assert fingerprint in out.getvalue() and "Linked" in out.getvalue()
    peer = Peer.objects.get()
    assert (peer.url, peer.state, peer.fingerprint) == (BASE, "linked", fingerprint)
    listing = io.StringIO()
    call_command("peers", "list", stdout=listing)
    assert BASE in listing.getvalue() and "linked" in listing.getvalue()
    gone = io.StringIO()
    call_command("peers", "unlink", BASE, stdout=gone)
    peer.refresh_from_db()
    assert peer.state == "unlinked" and "Unlinked" in gone.getvalue()


def test_an_install_cannot_link_to_itself(loop: Loop) -> None:
    with pytest.raises(CommandError, match="itself"):
        call_command("peers", "link", BASE, "--yes")


def test_only_a_linked_peer_with_its_pinned_key_fresh_and_unaltered_is_heard(peer: Peer) -> None:
    hello = {"id": "00000000-0000-4000-8000-00000000000a", "type": "hello"}
    assert signed(hello) == 202  # a type this install does not know: acknowledged, ignored
    stranger = signatures.new_private_key()
    assert signed({**hello, "id": "00000000-0000-4000-8000-00000000000b"}, key=stranger) == 401  # wrong key
    assert (
        signed(hello, key_id="https://evil.example/peers/actor#main-key", key=stranger) == 403
    )  # not linked
    assert signed(hello, tamper=orjson.dumps({**hello, "type": "unlink"})) == 401  # changed body
    assert signed(hello, when=timezone.now() - timedelta(hours=1)) == 401  # old Date (a replay)
    assert Client().post("/peers/inbox", data=b"{}", content_type="application/json").status_code == 401
    assert Client().get("/peers/directory").status_code == 401
    peer.state = "unlinked"
    peer.save()
    assert signed({**hello, "id": "00000000-0000-4000-8000-00000000000c"}) == 403
    Peer.objects.filter(pk=peer.pk).update(state="linked")
    assert Peer.objects.get().state == "linked"  # nothing above changed the link


def test_unlink_brings_referrals_in_flight_back_on_both_sides(
    loop: Loop, bush_there: Any, ada: Any, dee: Any
) -> None:
    post = make_post(ada.memberships.first().group, ada)
    out = services.refer(post=post, actor=ada, target=bush_there)
    delivery.run_due()
    counts = services.unlink(out.peer)
    # Linked to itself, the install holds both sides: its own referral returns, the peer's is dropped.
    assert counts == {"returned": 1, "withdrawn": 1}
    out.refresh_from_db()
    post.refresh_from_db()
    assert out.state == ReferralState.RETURNED and post.status == "open"
    assert Referral.objects.get(uid=out.uid, direction="in").state == ReferralState.RETURNED
    assert not PeerGroup.objects.exists()
    with pytest.raises(Exception, match="no longer linked"):
        services.refer(post=post, actor=ada, target=PeerGroup(peer=out.peer, slug="x", name="x", url="x"))
    assert not Message.objects.filter(state="pending").exists()


def test_a_peer_that_unlinked_us_refuses_and_the_offer_comes_back(
    loop: Loop, bush_there: Any, ada: Any
) -> None:
    post = make_post(ada.memberships.first().group, ada)
    out = services.refer(post=post, actor=ada, target=bush_there)
    # The peer's side no longer trusts our key: the inbox answers 403, final.
    from mutualaid.peers.models import Peer as PeerModel

    PeerModel.objects.filter(pk=out.peer_id).update(key_id="https://elsewhere.example/peers/actor#main-key")
    assert delivery.run_due() == {"sent": 0, "retry": 0, "gave_up": 1}
    out.refresh_from_db()
    assert out.state == ReferralState.RETURNED
    assert list(out.events.values_list("action", flat=True)) == ["offered", "undeliverable"]


def test_the_public_directory_search_shows_peers_groups_marked_and_linking_there(
    peer: Peer, bush: Any, client: Any
) -> None:
    assert directory.refresh(peer) == 2
    page = client.get("/directory/", {"q": "Bushwick"})
    assert page.status_code == 200
    assert "On other servers" in page.text and f"On another server: {BASE}" in page.text
    assert f'href="{BASE}/g/bush/"' in page.text
    assert "On other servers" not in client.get("/directory/", {"q": "nowhere-at-all"}).text
    legal = directory.search(category="legal")
    assert [g.slug for g in legal] == ["bush"]
    # A peer lists only its own groups: an entry pointing elsewhere is dropped.
    assert all(g.url.startswith(BASE + "/") for g in PeerGroup.objects.all())
    peer.state = "unlinked"
    peer.save()
    assert "On other servers" not in client.get("/directory/", {"q": "Bushwick"}).text


def test_the_directory_answers_a_linked_peer_with_public_profiles_only(
    loop: Loop, peer: Peer, bush: Any
) -> None:
    from mutualaid.federation import remote

    found = remote.fetch_json(BASE + "/peers/directory", key_id=keys.key_id(), private_key=keys.private_key())
    assert {g["slug"] for g in found["groups"]} == {"crown", "bush"}
    assert set(found["groups"][0]) == {
        "slug",
        "name",
        "description",
        "postal_codes",
        "categories",
        "languages",
        "url",
    }
    bush.listed = False
    bush.save()
    found = remote.fetch_json(BASE + "/peers/directory", key_id=keys.key_id(), private_key=keys.private_key())
    assert {g["slug"] for g in found["groups"]} == {"crown"}
