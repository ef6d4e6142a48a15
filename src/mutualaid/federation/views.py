"""ActivityPub and WebFinger endpoints: public, JSON, no session; inbox POSTs are signature-checked."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

import orjson
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from mutualaid.core.encryption import KeyRingError
from mutualaid.federation import conf, documents, services
from mutualaid.federation.http import read_incoming
from mutualaid.federation.models import Activity, Follower
from mutualaid.groups.models import Group

ACTIVITY_JSON = "application/activity+json"
OUTBOX_PAGE = 20


def _json(document: dict[str, Any], *, content_type: str = ACTIVITY_JSON, status: int = 200) -> HttpResponse:
    response = HttpResponse(orjson.dumps(document), content_type=content_type, status=status)
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _json_not_found(
    content_type: str,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """A federation endpoint that finds nothing answers JSON of its own type with 404, as the servers
    asking expect, not the site's HTML page. With federation off, the endpoints are not there at all:
    the site's own 404."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                return view(request, *args, **kwargs)
            except Http404:
                if not conf.enabled():
                    raise
                return _json({"error": "not found"}, content_type=content_type, status=404)

        return wrapped

    return decorate


def _listed(slug: str) -> Group:
    if not conf.enabled():
        raise Http404
    return get_object_or_404(Group, slug=slug, listed=True)


def _wants_html(request: HttpRequest) -> bool:
    accept = request.headers.get("Accept", "")
    return "text/html" in accept and "json" not in accept


@require_GET
@_json_not_found("application/jrd+json")
def webfinger(request: HttpRequest) -> HttpResponse:
    if not conf.enabled():
        raise Http404
    resource = request.GET.get("resource", "")
    if not resource:
        return _json({"error": "resource is required"}, content_type="application/jrd+json", status=400)
    account = resource.removeprefix("acct:")
    slug, _, host = account.partition("@")
    if host != conf.host() and resource.startswith("acct:"):
        raise Http404
    if not resource.startswith("acct:"):  # asked by actor URL
        found = next(
            (g for g in Group.objects.filter(listed=True) if documents.actor_id(g.slug) == resource), None
        )
        if found is None:
            raise Http404
        slug = found.slug
    group = _listed(slug)
    actor = documents.actor_id(group.slug)
    return _json(
        {
            "subject": f"acct:{group.slug}@{conf.host()}",
            "aliases": [actor],
            "links": [
                {"rel": "self", "type": ACTIVITY_JSON, "href": actor},
                {
                    "rel": "http://webfinger.net/rel/profile-page",
                    "type": "text/html",
                    "href": documents.absolute(reverse("group", args=[group.slug])),
                },
            ],
        },
        content_type="application/jrd+json",
    )


@require_GET
@_json_not_found(ACTIVITY_JSON)
def actor(request: HttpRequest, slug: str) -> HttpResponse:
    group = _listed(slug)
    if _wants_html(request):
        return HttpResponseRedirect(reverse("group", args=[group.slug]))
    try:
        key = services.actor_for(group).public_key_pem
    except KeyRingError:
        # After `mutualaid panic` the group cannot sign anything: to the fediverse it is gone.
        raise Http404 from None
    return _json(documents.actor(group, key))


@require_GET
@_json_not_found(ACTIVITY_JSON)
def outbox(request: HttpRequest, slug: str) -> HttpResponse:
    group = _listed(slug)
    public = Activity.objects.filter(group=group, public=True)
    items = [orjson.loads(a.document) for a in public[:OUTBOX_PAGE] if a.document]
    return _json(
        documents.collection(
            documents.absolute(reverse("federation_outbox", args=[group.slug])),
            total=public.count(),
            items=items,
        )
    )


@require_GET
@_json_not_found(ACTIVITY_JSON)
def followers(request: HttpRequest, slug: str) -> HttpResponse:
    """Only the count: who follows a group is not published."""
    group = _listed(slug)
    return _json(
        documents.collection(
            documents.absolute(reverse("federation_followers", args=[group.slug])),
            total=Follower.objects.filter(group=group).count(),
        )
    )


@require_GET
@_json_not_found(ACTIVITY_JSON)
def published_object(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    group = _listed(slug)
    found = get_object_or_404(Activity, group=group, pk=pk)
    if found.source:  # an event: its newest state, served at the id of its first Create
        found = Activity.objects.filter(group=group, source=found.source).order_by("-pk").first() or found
    if not found.public:
        raise Http404
    document = orjson.loads(found.document or "{}")
    if not isinstance(document, dict) or "object" not in document:
        raise Http404
    return _json({"@context": documents.AS_CONTEXT, **document["object"]})


@csrf_exempt
@require_POST
@_json_not_found(ACTIVITY_JSON)
def inbox(request: HttpRequest, slug: str) -> HttpResponse:
    group = _listed(slug)
    incoming = read_incoming(request)
    if isinstance(incoming, HttpResponse):
        return incoming
    return HttpResponse(status=services.receive(incoming, group=group))


@csrf_exempt
@require_POST
def shared_inbox(request: HttpRequest) -> HttpResponse:
    if not conf.enabled():
        raise Http404
    incoming = read_incoming(request)
    if isinstance(incoming, HttpResponse):
        return incoming
    return HttpResponse(status=services.receive(incoming, group=None))
