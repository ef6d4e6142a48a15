"""Field encryption with a key ring kept outside the database (THREATS.md properties 2, 3, 17).

Values are sealed with AES-256-GCM before they reach the database. Each ciphertext names the key that
sealed it, so keys can rotate (`mutualaid keys rotate`) while old rows stay readable. The column name is
bound in as associated data, so a ciphertext copied into another column does not decrypt.

Blind indexes (keyed HMAC-SHA256) allow exact lookups by value, e.g. an inbound SMS by phone number,
without storing the value. The index key never rotates with the sealing keys: changing it would orphan
every index.

`mutualaid panic` destroys the key ring. From then on every sealed value reads as `None` and
`keyring_destroyed()` is true, so pages can say so instead of failing.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

PREFIX = "v1"
DESTROYED_MARKER = "destroyed"


class KeyRingError(RuntimeError):
    pass


@dataclass(frozen=True)
class KeyRing:
    keys: dict[str, bytes]
    primary: str
    index_key: bytes

    def to_json(self, *, one_line: bool = False) -> str:
        """The key ring as JSON; `one_line` for MUTUALAID_KEYRING in an environment file."""
        return json.dumps(
            {
                "primary": self.primary,
                "keys": {kid: _b64(key) for kid, key in self.keys.items()},
                "index_key": _b64(self.index_key),
            },
            indent=None if one_line else 2,
            separators=(",", ":") if one_line else None,
        )

    @classmethod
    def from_json(cls, text: str) -> KeyRing:
        try:
            raw = json.loads(text)
            keys = {kid: _unb64(value) for kid, value in raw["keys"].items()}
            ring = cls(keys=keys, primary=raw["primary"], index_key=_unb64(raw["index_key"]))
        except (ValueError, KeyError, TypeError) as exc:
            raise KeyRingError(f"the key ring is malformed: {exc}") from None
        if ring.primary not in ring.keys or any(len(k) != 32 for k in ring.keys.values()):
            raise KeyRingError("the key ring is malformed: bad primary key or key length")
        return ring

    @classmethod
    def generate(cls) -> KeyRing:
        kid = new_key_id()
        return cls(
            keys={kid: AESGCM.generate_key(bit_length=256)}, primary=kid, index_key=secrets.token_bytes(32)
        )

    def with_new_primary(self) -> KeyRing:
        kid = new_key_id()
        return KeyRing(
            keys={**self.keys, kid: AESGCM.generate_key(bit_length=256)},
            primary=kid,
            index_key=self.index_key,
        )


def new_key_id() -> str:
    return secrets.token_hex(4)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text.encode())


_lock = threading.Lock()
_cached: tuple[Path, float, KeyRing | None] | None = None


_key_path: tuple[str, Path] | None = None


def key_file() -> Path:
    # Every sealed field read asks for the key ring, so the path is built once per setting's value.
    global _key_path
    name = str(settings.MUTUALAID_KEY_FILE)
    known = _key_path
    if known is None or known[0] != name:
        known = _key_path = (name, Path(name))
    return known[1]


def load_keyring() -> KeyRing | None:
    """The active key ring, or None when it has been destroyed by `mutualaid panic`.

    `MUTUALAID_KEYRING` (the key ring's JSON) wins over the key file, for hosts that keep secrets in
    the environment. Without either, a key file is created on first use (mode 600).
    """
    global _cached
    pinned = _pinned.get()
    if pinned is not None:
        return pinned
    path = key_file()
    env = os.environ.get("MUTUALAID_KEYRING")
    if env:
        # `mutualaid panic` cannot unset another process's environment; its marker wins instead.
        if env.strip() == DESTROYED_MARKER or destroyed_marker().exists():
            return None
        return KeyRing.from_json(env)
    # The file is looked at on every call (a stat, ~1 µs), so a `mutualaid panic` in another process
    # takes effect here at once; only the parsed ring is kept. Fast path without the lock: `_cached` is
    # replaced whole, never changed in place.
    try:
        mtime = os.stat(path).st_mtime
    except FileNotFoundError:
        mtime = -1.0
    known = _cached
    if known is not None and known[0] == path and known[1] == mtime and mtime != -1.0:
        return known[2]
    with _lock:
        try:
            mtime = path.stat().st_mtime
        except FileNotFoundError:
            mtime = -1.0
        if _cached is not None and _cached[0] == path and _cached[1] == mtime and mtime != -1.0:
            return _cached[2]
        ring: KeyRing | None
        if mtime == -1.0:
            if destroyed_marker().exists():
                _cached = None
                return None
            ring = KeyRing.generate()
            write_keyring(ring)
            mtime = path.stat().st_mtime
        else:
            text = path.read_text()
            ring = None if text.strip() == DESTROYED_MARKER else KeyRing.from_json(text)
        _cached = (path, mtime, ring)
        return ring


_pinned: ContextVar[KeyRing | None] = ContextVar("mutualaid_pinned_keyring", default=None)


@contextmanager
def keyring_pinned() -> Iterator[None]:
    """Within the block, the key ring is loaded once, at its start, instead of once per value.

    For bulk writes and reads of thousands of sealed values (an alert to 10,000 people): checking the
    key file for every value costs more than the encryption itself. A panic during the block takes
    effect for the next one.
    """
    ring = load_keyring()
    if ring is None:
        raise KeyRingError("the key ring was destroyed; new sensitive data cannot be stored")
    token = _pinned.set(ring)
    try:
        yield
    finally:
        _pinned.reset(token)


def destroyed_marker() -> Path:
    path = key_file()
    return path.parent / (path.name + ".destroyed")


def keyring_from_environment() -> bool:
    return bool(os.environ.get("MUTUALAID_KEYRING"))


def write_keyring(ring: KeyRing) -> None:
    """Replace the key file atomically, readable by its owner only."""
    global _cached
    path = key_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(ring.to_json())
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    _cached = None


def destroy_keyring() -> None:
    """Overwrite and remove the key file, leaving a marker so a new ring is not silently created."""
    global _cached
    path = key_file()
    with _lock:
        if path.exists():
            size = path.stat().st_size
            with open(path, "r+b") as handle:
                handle.write(secrets.token_bytes(max(size, 1)))
                handle.flush()
                os.fsync(handle.fileno())
            path.unlink()
        path.parent.mkdir(parents=True, exist_ok=True)
        destroyed_marker().write_text("The key ring was destroyed by `mutualaid panic`.\n")
        _cached = None


def keyring_destroyed() -> bool:
    try:
        return load_keyring() is None
    except KeyRingError:
        return True


def encrypt(plaintext: str, *, context: str) -> str:
    ring = load_keyring()
    if ring is None:
        raise KeyRingError("the key ring was destroyed; new sensitive data cannot be stored")
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(ring.keys[ring.primary]).encrypt(nonce, plaintext.encode(), context.encode())
    return f"{PREFIX}:{ring.primary}:{_b64(nonce + sealed)}"


def decrypt(token: str, *, context: str) -> str | None:
    """The plaintext, or None when it cannot be recovered (destroyed or unknown key, tampering)."""
    try:
        ring = load_keyring()
    except KeyRingError:
        return None
    if ring is None:
        return None
    try:
        prefix, kid, body = token.split(":", 2)
        key = ring.keys[kid]
        blob = _unb64(body)
    except (ValueError, KeyError):
        return None
    if prefix != PREFIX:
        return None
    try:
        return AESGCM(key).decrypt(blob[:12], blob[12:], context.encode()).decode()
    except (InvalidTag, ValueError):
        return None


def sealing_key_id(token: str) -> str | None:
    parts = token.split(":", 2)
    return parts[1] if len(parts) == 3 else None


def blind_index(value: str, *, purpose: str) -> str:
    """A keyed HMAC of a normalised value, for exact lookups without storing the value."""
    ring = load_keyring()
    if ring is None:
        raise KeyRingError("the key ring was destroyed")
    digest = hmac.new(ring.index_key, f"{purpose}\x00{value}".encode(), hashlib.sha256).hexdigest()
    return digest


BYTES_PREFIX = b"v1:"


def encrypt_bytes(data: bytes, *, context: str) -> bytes:
    """Seal a file's bytes (e.g. a receipt photo) like `encrypt` does text: `v1:<key id>:<nonce+ciphertext>`."""
    ring = load_keyring()
    if ring is None:
        raise KeyRingError("the key ring was destroyed; new sensitive data cannot be stored")
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(ring.keys[ring.primary]).encrypt(nonce, data, context.encode())
    return BYTES_PREFIX + ring.primary.encode() + b":" + nonce + sealed


def decrypt_bytes(blob: bytes, *, context: str) -> bytes | None:
    """The sealed bytes, or None when they cannot be recovered (destroyed or unknown key, tampering)."""
    try:
        ring = load_keyring()
    except KeyRingError:
        return None
    if ring is None or not blob.startswith(BYTES_PREFIX):
        return None
    kid, sep, body = bytes(blob[len(BYTES_PREFIX) :]).partition(b":")
    key = ring.keys.get(kid.decode(errors="replace"))
    if not sep or key is None or len(body) < 13:
        return None
    try:
        return AESGCM(key).decrypt(body[:12], body[12:], context.encode())
    except (InvalidTag, ValueError):
        return None
