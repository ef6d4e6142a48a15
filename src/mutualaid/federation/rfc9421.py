"""RFC 9421 HTTP Message Signatures, as newer fediverse servers (e.g. Mastodon 4.5) send and accept them.

The signing and checking are the `http-message-signatures` library's; this module holds the profile:

- Outgoing POSTs sign `@method`, `@target-uri`, `content-type` and `content-digest` (RFC 9530,
  SHA-256 of the body), with `created`, `keyid` and `alg="rsa-v1_5-sha256"` (the same RSA key the
  group publishes for draft-cavage); GETs sign `@method` and `@target-uri`.
- Incoming requests must carry exactly one signature covering at least `@method` and `@target-uri`
  (and `content-digest` for a body), a `Content-Digest` that matches the body byte for byte, and a
  `created` time within the same window either side of now as draft-cavage's `Date`; `expires`, when
  given, must not have passed. `alg` may be `rsa-v1_5-sha256` or `rsa-pss-sha512`; without it the
  RSA key decides (PKCS#1 v1.5).

Like `signatures`, this touches neither Django nor the network: callers pass the time and the keys.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import http_sf
from cryptography.hazmat.primitives.asymmetric import rsa
from http_message_signatures import (
    ContentDigest,
    HTTPMessageSignaturesException,
    HTTPMessageSigner,
    HTTPMessageVerifier,
    HTTPSignatureAlgorithm,
    MappingKeyResolver,
    algorithms,
)

from mutualaid.federation.signatures import SignatureError, http_date, load_public

LABEL = "sig1"
ALGORITHMS: dict[str, type[HTTPSignatureAlgorithm]] = {
    "rsa-v1_5-sha256": algorithms.RSA_V1_5_SHA256,
    "rsa-pss-sha512": algorithms.RSA_PSS_SHA512,
}
REQUIRED_GET = ("@method", "@target-uri")
REQUIRED_POST = (*REQUIRED_GET, "content-digest")


@dataclass
class _Message:
    """What the library reads of a request: method (upper case), absolute URL and headers."""

    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ParsedInput:
    key_id: str
    created: int | None
    expires: int | None
    alg: str | None


def present(headers: dict[str, str]) -> bool:
    """Whether a request (lower-case header names) is signed the RFC 9421 way."""
    return "signature-input" in headers and "signature" in headers


def sign(
    *,
    method: str,
    url: str,
    host: str,
    key_id: str,
    private_key: rsa.RSAPrivateKey,
    now: datetime,
    body: bytes | None = None,
    content_type: str = "application/activity+json",
) -> dict[str, str]:
    """The headers to send (Host, Date, Content-Type, Content-Digest, Signature-Input, Signature)."""
    message = _Message(method=method.upper(), url=url, headers={"Host": host, "Date": http_date(now)})
    covered: tuple[str, ...] = REQUIRED_GET
    if body is not None:
        message.headers["Content-Type"] = content_type
        covered = (*REQUIRED_GET, "content-type")
    signer = HTTPMessageSigner(
        signature_algorithm=algorithms.RSA_V1_5_SHA256,
        key_resolver=MappingKeyResolver(public_keys={}, private_keys={key_id: private_key}),
    )
    signer.sign(message, key_id=key_id, created=now, label=LABEL, covered_component_ids=covered, body=body)
    return message.headers


def parse(headers: dict[str, str]) -> ParsedInput:
    """The one signature's parameters, read before any key is fetched (for the rate limit and freshness)."""
    try:
        inputs: Any = http_sf.parse(headers.get("signature-input", "").encode(), tltype="dictionary")
    except Exception as exc:  # the parser raises ValueError and its own kinds
        raise SignatureError("malformed Signature-Input") from exc
    if not isinstance(inputs, dict) or len(inputs) != 1:
        raise SignatureError("exactly one signature is accepted")
    member = next(iter(inputs.values()))
    params: dict[str, Any] = member[1] if isinstance(member, tuple) and isinstance(member[1], dict) else {}
    key_id = params.get("keyid")
    if not isinstance(key_id, str) or not key_id:
        raise SignatureError("no keyid")
    alg = params.get("alg")
    if alg is not None and (not isinstance(alg, str) or alg not in ALGORITHMS):
        raise SignatureError("unsupported algorithm")
    created, expires = params.get("created"), params.get("expires")
    return ParsedInput(
        key_id=key_id,
        created=created if type(created) is int else None,
        expires=expires if type(expires) is int else None,
        alg=alg,
    )


def check_fresh(parsed: ParsedInput, *, now: datetime, window: int) -> None:
    if parsed.created is None:
        raise SignatureError("the signature has no created time")
    stamp = int(now.timestamp())
    if abs(stamp - parsed.created) > window:
        raise SignatureError("created outside the accepted window")
    if parsed.expires is not None and parsed.expires < stamp:
        raise SignatureError("the signature has expired")


def check_digest(headers: dict[str, str], body: bytes) -> None:
    value = headers.get("content-digest", "")
    if not value:
        raise SignatureError("Content-Digest is missing")
    try:
        ContentDigest.verify(value, body)
    except HTTPMessageSignaturesException as exc:
        raise SignatureError("Content-Digest does not match the body") from exc


class _Verifier(HTTPMessageVerifier):
    def validate_created_and_expires(self, sig_input: Any, max_age: Any = None) -> None:
        """Freshness is checked by `check_fresh` against the caller's clock and window."""


def verify(
    *,
    parsed: ParsedInput,
    method: str,
    url: str,
    headers: dict[str, str],
    body: bytes,
    public_key_pem: str,
    now: datetime,
    window: int,
) -> None:
    """Raise SignatureError unless the request is signed by the key, fresh, and its body unchanged."""
    check_fresh(parsed, now=now, window=window)
    post = method.upper() == "POST"
    if post:
        check_digest(headers, body)
    verifier = _Verifier(
        signature_algorithm=ALGORITHMS[parsed.alg or "rsa-v1_5-sha256"],
        key_resolver=MappingKeyResolver(
            public_keys={parsed.key_id: load_public(public_key_pem)}, private_keys={}
        ),
    )
    message = _Message(method=method.upper(), url=url, headers=dict(headers))
    try:
        verifier.verify(
            message,
            max_age=None,
            require_components=REQUIRED_POST if post else REQUIRED_GET,
            body=body if post else None,
        )
    except HTTPMessageSignaturesException as exc:
        raise SignatureError("signature does not verify") from exc
