"""Federation settings, read from the environment (README lists them)."""

from __future__ import annotations

from urllib.parse import urlsplit

from mutualaid.core.env import env_bool, env_int, env_str

MAX_BODY = 1024 * 1024  # incoming activity bodies, bytes
MAX_DEPTH = 16  # nesting of incoming JSON (objects and arrays)


def base_url() -> str:
    """The install's public address (MUTUALAID_PUBLIC_URL); actor ids are built on it."""
    return env_str("MUTUALAID_PUBLIC_URL", "http://localhost").rstrip("/")


def host() -> str:
    return urlsplit(base_url()).netloc


def enabled() -> bool:
    """MUTUALAID_FEDERATION: groups are ActivityPub actors (default on; off answers 404 everywhere)."""
    return env_bool("MUTUALAID_FEDERATION", True)


def date_window() -> int:
    """Seconds a signed request's Date may be off from now, either side (replays older are refused)."""
    return env_int("MUTUALAID_FEDERATION_DATE_WINDOW", 300, minimum=30)


def give_up_hours() -> int:
    """A dead inbox is given up this many hours after the first try."""
    return env_int("MUTUALAID_FEDERATION_GIVE_UP_HOURS", 48, minimum=1)


def concurrency() -> int:
    """Hosts delivered to at once; each host gets one connection at a time."""
    return env_int("MUTUALAID_FEDERATION_CONCURRENCY", 8, minimum=1)


def inbox_rate() -> str:
    """Incoming activities accepted per signing key (never per address)."""
    return env_str("MUTUALAID_FEDERATION_INBOX_RATE", "120/m")


def allow_private_addresses() -> bool:
    """Fetch keys from and deliver to loopback/private addresses (tests and closed networks only)."""
    return env_bool("MUTUALAID_FEDERATION_ALLOW_PRIVATE", False)


def timeout() -> int:
    return env_int("MUTUALAID_FEDERATION_TIMEOUT", 10, minimum=1)
