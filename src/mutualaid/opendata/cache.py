"""One build of the public directory, shared by every request and every app server.

Building the HSDS tables for 300 groups and 1,500 hubs takes seconds; the directory changes rarely. So
a build is kept in the Django cache (the database cache in production, which every app server shares)
for at most `TTL` seconds, and each process also keeps the one it last used in memory, so most requests
cost one small cache read (the current version) and no build, no unpickling.

Invalidation: saving or deleting a group, an area or a hub replaces the shared *version* (a random
token, never a counter: a rolled-back transaction can never bring an old version back), so every app
server builds afresh on its next request. Changes made without signals (queryset `.update()`, such as a
hub's last report time) show within `TTL` seconds. A build is per public address and per language (hub
records carry translated phrases).
"""

from __future__ import annotations

import hashlib
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.utils import translation

from mutualaid.opendata import hsds

TTL = 60
VERSION_KEY = "opendata:hsds:version"
_memo: dict[str, tuple[float, hsds.Directory]] = {}
_lock = threading.Lock()


def version() -> str:
    current = cache.get(VERSION_KEY)
    if current is None:
        fresh = uuid.uuid4().hex
        # add(): when two servers race, both end up using whichever token landed first.
        cache.add(VERSION_KEY, fresh, timeout=None)
        current = cache.get(VERSION_KEY) or fresh
    return str(current)


def invalidate(**_kwargs: Any) -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


def key_for(base_url: str) -> str:
    digest = hashlib.sha256(base_url.encode()).hexdigest()[:16]
    return f"opendata:hsds:{version()}:{translation.get_language() or 'en'}:{digest}"


def directory(base_url: str, build: Callable[[], hsds.Directory]) -> hsds.Directory:
    """The cached build for this address and language, or `build()` stored for the next requests."""
    key = key_for(base_url)
    now = time.monotonic()
    with _lock:
        held = _memo.get(key)
    if held is not None and held[0] > now:
        return held[1]
    found = cache.get(key)
    if not isinstance(found, hsds.Directory):
        found = build()
        found.drop_indexes()  # indexes are rebuilt on first use; they need not travel
        cache.set(key, found, timeout=TTL)
    with _lock:
        _memo.clear()  # one build per process: the newest (old versions are never asked for again)
        _memo[key] = (now + TTL, found)
    return found


def package(base_url: str, make: Callable[[], bytes]) -> bytes:
    """The data package (ZIP) of the current build, made once per version like the build itself."""
    key = key_for(base_url) + ":zip"
    found = cache.get(key)
    if not isinstance(found, bytes):
        found = make()
        cache.set(key, found, timeout=TTL)
    return found


def forget_local() -> None:
    with _lock:
        _memo.clear()


def connect() -> None:
    """Watch what the directory is built from (called once from the app's ready())."""
    from mutualaid.groups.models import Area, Group
    from mutualaid.hubs.models import Hub

    for model in (Group, Area, Hub):
        post_save.connect(invalidate, sender=model, dispatch_uid=f"opendata-cache-save-{model.__name__}")
        post_delete.connect(invalidate, sender=model, dispatch_uid=f"opendata-cache-del-{model.__name__}")
