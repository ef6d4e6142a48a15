"""Access rows for federation: ActivityPub and WebFinger are public to everyone (servers have no
session); an inbox accepts only signed requests, so an unsigned POST is refused for every role."""

from __future__ import annotations

from typing import Any

from tests.access import Route, World, crown_slug

ANYONE = "ok ok ok ok ok"
UNSIGNED = "401 401 401 401 401"


def build(world: World) -> None:
    from django.utils import timezone

    from mutualaid.core.publishing import PublicAnnouncement
    from mutualaid.federation.services import publish_announcement

    activity = publish_announcement(
        PublicAnnouncement(
            group_id=world.crown.pk, source="matrix", text="Pantry open", published_at=timezone.now()
        )
    )
    world.objects["federated"] = activity


def webfinger(w: World) -> dict[str, Any]:
    from mutualaid.federation import conf

    return {"resource": f"acct:{w.crown.slug}@{conf.host()}"}


ROUTES = [
    Route("federation_webfinger", ANYONE, data=webfinger),
    Route("federation_actor", ANYONE, kwargs=crown_slug),
    Route("federation_outbox", ANYONE, kwargs=crown_slug),
    Route("federation_followers", ANYONE, kwargs=crown_slug),
    Route("federation_object", ANYONE, kwargs=lambda w: {"slug": w.crown.slug, "pk": w.federated.pk}),
    Route("federation_inbox", UNSIGNED, method="POST", kwargs=crown_slug),
    Route("federation_shared_inbox", UNSIGNED, method="POST"),
]
