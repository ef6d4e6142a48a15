"""What peers read and where they write: this install's peer actor (its public key), its listed groups
for linked peers (signed GET), and its inbox (signed POST from a linked peer only)."""

from __future__ import annotations

import orjson
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from mutualaid.core.encryption import KeyRingError
from mutualaid.federation import conf
from mutualaid.federation.http import read_incoming
from mutualaid.peers import directory, keys, services

JSON = "application/json"


@require_GET
def actor(request: HttpRequest) -> HttpResponse:
    if not conf.enabled():
        raise Http404
    try:
        pem = keys.install_key().public_key_pem
    except KeyRingError:
        raise Http404 from None
    me = keys.actor_url()
    document = {
        "id": me,
        "type": "Application",
        "name": "mutualaid",
        "inbox": conf.base_url() + "/peers/inbox",
        "publicKey": {"id": keys.key_id(), "owner": me, "publicKeyPem": pem},
    }
    return HttpResponse(orjson.dumps(document), content_type=JSON)


@require_GET
def directory_view(request: HttpRequest) -> HttpResponse:
    if not conf.enabled():
        raise Http404
    incoming = read_incoming(request)
    if isinstance(incoming, HttpResponse):
        return incoming
    try:
        services.authenticate(incoming)
    except services.Refused as refused:
        return HttpResponse(status=refused.status)
    return HttpResponse(orjson.dumps(directory.document()), content_type=JSON)


@csrf_exempt
@require_POST
def inbox(request: HttpRequest) -> HttpResponse:
    if not conf.enabled():
        raise Http404
    incoming = read_incoming(request)
    if isinstance(incoming, HttpResponse):
        return incoming
    return HttpResponse(status=services.receive(incoming))
