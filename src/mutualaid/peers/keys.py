"""This install's key pair for its peers: signing requests (the federation's draft-cavage signatures)
and opening what a peer encrypted to it. Also the envelope a referral's details travel in: a fresh
AES-256-GCM key wrapped with the receiver's RSA public key (OAEP, SHA-256), so only that install opens it,
whatever carries the request."""

from __future__ import annotations

import base64
import hashlib
import os
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.db import IntegrityError, transaction
from django.urls import reverse

from mutualaid.federation import conf, signatures
from mutualaid.peers.models import InstallKey

ENVELOPE = "rsa-oaep-sha256+a256gcm"
_OAEP = padding.OAEP(mgf=padding.MGF1(algorithm=hashes.SHA256()), algorithm=hashes.SHA256(), label=None)


class EnvelopeError(ValueError):
    """An envelope this install cannot open (not for it, or altered)."""


def actor_url() -> str:
    return conf.base_url() + reverse("peers_actor")


def key_id() -> str:
    return actor_url() + "#main-key"


def install_key() -> InstallKey:
    found = InstallKey.objects.order_by("pk").first()
    if found is not None:
        return found
    key = signatures.new_private_key()
    try:
        with transaction.atomic():
            return InstallKey.objects.create(
                public_key_pem=signatures.public_pem(key), private_key_pem=signatures.private_pem(key)
            )
    except IntegrityError:  # pragma: no cover - one row; a parallel first use made it
        return InstallKey.objects.order_by("pk").first()  # type: ignore[return-value]


def private_key() -> rsa.RSAPrivateKey:
    pem = install_key().private_key_pem
    if not pem:
        raise signatures.SignatureError("the install's key is gone (key ring destroyed)")
    return signatures.load_private(pem)


def fingerprint(public_key_pem: str) -> str:
    """SHA-256 of the key (DER), in colon-separated pairs: what operators read to each other."""
    key = signatures.load_public(public_key_pem)
    der = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    digest = hashlib.sha256(der).hexdigest().upper()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


def seal_for(public_key_pem: str, plaintext: bytes, *, context: str) -> dict[str, str]:
    key = AESGCM.generate_key(bit_length=256)
    nonce = os.urandom(12)
    wrapped = signatures.load_public(public_key_pem).encrypt(key, _OAEP)
    sealed = AESGCM(key).encrypt(nonce, plaintext, context.encode())
    b64 = base64.b64encode
    return {
        "alg": ENVELOPE,
        "key": b64(wrapped).decode(),
        "nonce": b64(nonce).decode(),
        "data": b64(sealed).decode(),
    }


def open_envelope(envelope: Any, *, context: str) -> bytes:
    if not isinstance(envelope, dict) or envelope.get("alg") != ENVELOPE:
        raise EnvelopeError("unknown envelope")
    try:
        wrapped, nonce, data = (
            base64.b64decode(str(envelope[k]), validate=True) for k in ("key", "nonce", "data")
        )
        key = private_key().decrypt(wrapped, _OAEP)
        return AESGCM(key).decrypt(nonce, data, context.encode())
    except (KeyError, ValueError, InvalidTag) as exc:
        raise EnvelopeError("the envelope does not open") from exc
