"""HTTP Signatures as fediverse servers use them (draft-cavage-http-signatures-12, rsa-sha256).

Pure functions over header dictionaries and bytes; nothing here touches Django or the network, so the
signing side (deliveries) and the checking side (the inbox) share one implementation.

Outgoing POSTs sign `(request-target) host date digest` (and `content-type`); GETs sign
`(request-target) host date`. Incoming requests must have signed at least `(request-target)`, `host`
and `date` (and `digest` for a body), carry a `Digest: SHA-256=` matching the body byte for byte, and
a `Date` within `window` seconds of now either side: an old request replayed later is refused.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

ALGORITHM = "rsa-sha256"
REQUIRED_GET = ("(request-target)", "host", "date")
REQUIRED_POST = (*REQUIRED_GET, "digest")
_PARAM = re.compile(r'(\w+)="([^"]*)"')


class SignatureError(ValueError):
    """A request whose signature cannot be accepted; the message says why (never echoes the body)."""


@dataclass(frozen=True)
class ParsedSignature:
    key_id: str
    algorithm: str
    headers: tuple[str, ...]
    signature: bytes


def new_private_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def private_pem(key: rsa.RSAPrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def public_pem(key: rsa.RSAPrivateKey) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def load_private(pem: str) -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(pem.encode(), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise SignatureError("not an RSA private key")
    return key


def load_public(pem: str) -> rsa.RSAPublicKey:
    try:
        key = serialization.load_pem_public_key(pem.encode())
    except ValueError as exc:
        raise SignatureError("unreadable public key") from exc
    if not isinstance(key, rsa.RSAPublicKey):
        raise SignatureError("not an RSA public key")
    return key


def digest(body: bytes) -> str:
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()


def http_date(when: datetime) -> str:
    return format_datetime(when.astimezone(UTC), usegmt=True)


def signing_string(method: str, path: str, headers: dict[str, str], names: tuple[str, ...]) -> bytes:
    """The lines that are signed, in the order `names` gives; `headers` keys are lower case."""
    lines = []
    for name in names:
        if name == "(request-target)":
            lines.append(f"(request-target): {method.lower()} {path}")
        elif name in headers:
            lines.append(f"{name}: {headers[name]}")
        else:
            raise SignatureError(f"signed header {name} is missing")
    return "\n".join(lines).encode()


def sign(
    *,
    method: str,
    path: str,
    host: str,
    key_id: str,
    private_key: rsa.RSAPrivateKey,
    now: datetime,
    body: bytes | None = None,
    content_type: str = "application/activity+json",
) -> dict[str, str]:
    """The headers to send (Host, Date, Digest, Content-Type, Signature) for a signed request."""
    headers = {"host": host, "date": http_date(now)}
    names: tuple[str, ...] = REQUIRED_GET
    if body is not None:
        headers["digest"] = digest(body)
        headers["content-type"] = content_type
        names = (*REQUIRED_POST, "content-type")
    signed = private_key.sign(
        signing_string(method, path, headers, names), padding.PKCS1v15(), hashes.SHA256()
    )
    headers["signature"] = (
        f'keyId="{key_id}",algorithm="{ALGORITHM}",headers="{" ".join(names)}",'
        f'signature="{base64.b64encode(signed).decode()}"'
    )
    return {name.title() if name != "digest" else "Digest": value for name, value in headers.items()}


def parse(header: str) -> ParsedSignature:
    params = dict(_PARAM.findall(header or ""))
    if "keyId" not in params or "signature" not in params:
        raise SignatureError("no signature")
    algorithm = params.get("algorithm", ALGORITHM)
    # "hs2019" is what newer servers write for the same RSA signature; the key decides the algorithm.
    if algorithm not in {ALGORITHM, "hs2019"}:
        raise SignatureError("unsupported algorithm")
    try:
        raw = base64.b64decode(params["signature"], validate=True)
    except ValueError as exc:
        raise SignatureError("malformed signature") from exc
    names = tuple(params.get("headers", "date").lower().split())
    return ParsedSignature(key_id=params["keyId"], algorithm=algorithm, headers=names, signature=raw)


def check_date(date_header: str, *, now: datetime, window: int) -> None:
    try:
        when = parsedate_to_datetime(date_header)
    except (TypeError, ValueError) as exc:
        raise SignatureError("unreadable Date") from exc
    if when.tzinfo is None:
        raise SignatureError("Date without time zone")
    if abs((now - when).total_seconds()) > window:
        raise SignatureError("Date outside the accepted window")


def verify(
    *,
    parsed: ParsedSignature,
    method: str,
    path: str,
    headers: dict[str, str],
    body: bytes,
    public_key_pem: str,
    now: datetime,
    window: int,
) -> None:
    """Raise SignatureError unless the request is signed by the key, fresh, and its body unchanged."""
    required = REQUIRED_POST if method.upper() == "POST" else REQUIRED_GET
    missing = [name for name in required if name not in parsed.headers]
    if missing:
        raise SignatureError(f"these headers must be signed: {' '.join(missing)}")
    check_date(headers.get("date", ""), now=now, window=window)
    if method.upper() == "POST" and headers.get("digest", "") != digest(body):
        raise SignatureError("Digest does not match the body")
    key = load_public(public_key_pem)
    try:
        key.verify(
            parsed.signature,
            signing_string(method, path, headers, parsed.headers),
            padding.PKCS1v15(),
            hashes.SHA256(),
        )
    except InvalidSignature as exc:
        raise SignatureError("signature does not verify") from exc
