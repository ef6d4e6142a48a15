"""Reading a signed request from another server, for the views of federation and peers: the body is bounded
(``conf.MAX_BODY``; a larger one is refused with 413 before it is read whole) and the headers keep their names
in lower case, with the host the request came to, as the signature checks expect."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from mutualaid.federation import conf
from mutualaid.federation.services import Incoming


def read_incoming(request: HttpRequest) -> Incoming | HttpResponse:
    """The request as `Incoming` (a GET has no body), or a 413 answer when its body is too large."""
    try:
        length = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        length = 0
    if length > conf.MAX_BODY:
        return HttpResponse(status=413)
    body = request.read(conf.MAX_BODY + 1) if request.method == "POST" else b""
    if len(body) > conf.MAX_BODY:
        return HttpResponse(status=413)
    headers = {name.lower(): value for name, value in request.headers.items()}
    headers.setdefault("host", request.get_host())
    return Incoming(method=request.method or "GET", path=request.get_full_path(), headers=headers, body=body)
