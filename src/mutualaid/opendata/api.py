"""The coordinators' publishing choice in the JSON API (the same service as the page). The open data
itself has its own public, standard API: Open Referral HSDS at /api/hsds/ (see urls_site)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from mutualaid.groups.access import get_group_for_coordinator
from mutualaid.opendata import services

router = Router(tags=["open data"])


class OpenDataPublishingIn(Schema):
    publish_offers: bool


class OpenDataPublishingOut(Schema):
    publish_offers: bool
    offers_url: str


def _out(request: HttpRequest, slug: str, publish_offers: bool) -> dict[str, Any]:
    from django.urls import reverse

    return {
        "publish_offers": publish_offers,
        "offers_url": request.build_absolute_uri(reverse("opendata_offers", args=[slug])),
    }


@router.get(
    "/groups/{slug}/open-data",
    response=OpenDataPublishingOut,
    summary="What the group publishes (coordinators)",
)
def opendata_publishing_get(request: HttpRequest, slug: str) -> dict[str, Any]:
    group, _membership = get_group_for_coordinator(request.user, slug)  # type: ignore[arg-type]
    return _out(request, slug, services.publishing_of(group).publish_offers)


@router.put(
    "/groups/{slug}/open-data",
    response=OpenDataPublishingOut,
    summary="Publish the group's open offers as ValueFlows, or stop (coordinators)",
)
def opendata_publishing_put(request: HttpRequest, slug: str, payload: OpenDataPublishingIn) -> dict[str, Any]:
    group, _membership = get_group_for_coordinator(request.user, slug)  # type: ignore[arg-type]
    publishing = services.publishing_set(
        group=group,
        actor=request.user,  # type: ignore[arg-type]
        publish_offers=payload.publish_offers,
    )
    return _out(request, slug, publishing.publish_offers)
