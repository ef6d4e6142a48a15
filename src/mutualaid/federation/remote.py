"""Talking to other servers: fetching an actor (signed GET) and posting an activity (signed POST).

Only http(s) addresses whose host resolves to public addresses are contacted (no requests to the
server's own network on a stranger's say-so), unless MUTUALAID_FEDERATION_ALLOW_PRIVATE is set for a
closed network or tests. Answers are read up to 1 MB.
"""

from __future__ import annotations

import ipaddress
import socket
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit

import orjson
from cryptography.hazmat.primitives.asymmetric import rsa
from django.utils import timezone

from mutualaid.federation import conf, rfc9421, signatures

ACCEPT = 'application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"'


class RemoteError(Exception):
    """Another server could not be reached or answered with something unusable."""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a redirect could point anywhere: refused like any other error


_opener = urllib.request.build_opener(_NoRedirect)


def check_address(url: str) -> tuple[str, str]:
    """(host header, path with query) of a URL we may contact; RemoteError otherwise."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise RemoteError("not an http(s) address")
    if parts.scheme == "http" and not conf.allow_private_addresses():
        raise RemoteError("plain http is refused")
    if not conf.allow_private_addresses():
        try:
            infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
        except OSError as exc:
            raise RemoteError("unknown host") from exc
        for info in infos:
            address = ipaddress.ip_address(info[4][0])
            if not address.is_global:
                raise RemoteError("the host is on a private network")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return parts.netloc, path


def fetch_json(
    url: str, *, key_id: str | None = None, private_key: rsa.RSAPrivateKey | None = None
) -> dict[str, Any]:
    host, path = check_address(url)
    headers = {"Accept": ACCEPT, "User-Agent": "mutualaid"}
    if key_id and private_key is not None:
        headers |= signatures.sign(
            method="GET", path=path, host=host, key_id=key_id, private_key=private_key, now=timezone.now()
        )
    request = urllib.request.Request(url, headers=headers, method="GET")  # noqa: S310 - scheme checked above
    try:
        with _opener.open(request, timeout=conf.timeout()) as answer:
            body = answer.read(conf.MAX_BODY + 1)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise RemoteError("fetch failed") from exc
    if len(body) > conf.MAX_BODY:
        raise RemoteError("answer too large")
    try:
        document = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise RemoteError("answer is not JSON") from exc
    if not isinstance(document, dict):
        raise RemoteError("answer is not an object")
    return document


RFC9421 = "rfc9421"
CAVAGE = "cavage"


def post(url: str, *, body: bytes, key_id: str, private_key: rsa.RSAPrivateKey, scheme: str = CAVAGE) -> int:
    """POST a signed activity (`scheme`: RFC9421 or CAVAGE); the HTTP status, or RemoteError when the
    server cannot be reached."""
    host, path = check_address(url)
    signed = (
        rfc9421.sign(
            method="POST",
            url=url,
            host=host,
            key_id=key_id,
            private_key=private_key,
            now=timezone.now(),
            body=body,
        )
        if scheme == RFC9421
        else signatures.sign(
            method="POST",
            path=path,
            host=host,
            key_id=key_id,
            private_key=private_key,
            now=timezone.now(),
            body=body,
        )
    )
    headers = {"User-Agent": "mutualaid"} | signed
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with _opener.open(request, timeout=conf.timeout()) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise RemoteError("delivery failed") from exc
