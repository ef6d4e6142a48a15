"""Access rows for peers: referral pages and API for coordinators of the group; the peer actor is public;
the shared directory and the inbox answer only requests signed by a linked install."""

from __future__ import annotations

from typing import Any

from tests.access import Route, World, crown_slug

COORDINATOR = "login 404 404 403 ok"
API_COORDINATOR = "401 404 404 403 ok"
ANYONE = "ok ok ok ok ok"
UNSIGNED = "401 401 401 401 401"


def build(world: World) -> None:
    import datetime
    import uuid

    from django.utils import timezone

    from mutualaid.peers.models import Peer, PeerGroup, Referral
    from tests.helpers import make_post

    peer = Peer.objects.create(
        url="https://aid.example.org",
        key_id="https://aid.example.org/peers/actor#main-key",
        public_key_pem="-",
        fingerprint="-",
    )
    world.objects["peer_group"] = PeerGroup.objects.create(
        peer=peer, slug="far", name="Far Away", url="https://aid.example.org/g/far/", categories=["food"]
    )
    world.objects["referable"] = make_post(world.crown, world.users["ada"], title="Boxes")
    world.objects["referral_in"] = Referral.objects.create(
        uid=uuid.uuid4(),
        direction="in",
        peer=peer,
        group=world.crown,
        other_slug="far",
        other_name="Far Away",
        category="food",
        urgency="week",
        expires_at=timezone.now() + datetime.timedelta(days=1),
    )


def need(w: World) -> dict[str, Any]:
    return {"slug": w.crown.slug, "post_id": w.referable.pk}


def referral(w: World) -> dict[str, Any]:
    return {"slug": w.crown.slug, "uid": str(w.referral_in.uid)}


ROUTES = [
    Route("peers_actor", ANYONE),
    Route("peers_directory", UNSIGNED),
    Route("peers_inbox", UNSIGNED, method="POST"),
    Route("referrals", COORDINATOR, kwargs=crown_slug),
    Route("referrals_refer", COORDINATOR, kwargs=need),
    Route(
        "referrals_refer", COORDINATOR, method="POST", kwargs=need, data=lambda w: {"target": w.peer_group.pk}
    ),
    Route("referrals_detail", COORDINATOR, kwargs=referral),
    Route(
        "referrals_decide", COORDINATOR, method="POST", kwargs=referral, data=lambda w: {"answer": "decline"}
    ),
    Route("api:peers_referrals_list", API_COORDINATOR, api=True, kwargs=crown_slug),
    Route("api:peers_referral_targets", API_COORDINATOR, api=True, kwargs=need),
    Route(
        "api:peers_referral_create",
        API_COORDINATOR,
        method="POST",
        api=True,
        kwargs=crown_slug,
        data=lambda w: {"post_id": w.referable.pk, "target_id": w.peer_group.pk},
    ),
    Route("api:peers_referral_detail", API_COORDINATOR, api=True, kwargs=referral),
    Route(
        "api:peers_referral_decide",
        API_COORDINATOR,
        method="POST",
        api=True,
        kwargs=referral,
        data=lambda w: {"accept": False},
    ),
]
