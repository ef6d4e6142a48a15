"""The shared directory: each linked peer's listed groups, fetched by the worker (signed GET) and kept
here, so the public directory search can show them, marked as on another server and linking there."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from mutualaid.core import rows
from mutualaid.federation import conf, remote, signatures
from mutualaid.groups.models import Group
from mutualaid.peers import keys
from mutualaid.peers.models import Peer, PeerGroup, PeerState

logger = logging.getLogger(__name__)

LIMIT = 500  # groups kept per peer
SHOWN = 10  # peers' groups shown under one search


def document() -> dict[str, Any]:
    """This install's listed groups as its peers read them: the public profile, nothing else."""
    groups = Group.objects.filter(listed=True).order_by("name")[:LIMIT]
    return {
        "groups": [
            {
                "slug": g.slug,
                "name": g.name,
                "description": g.description,
                "postal_codes": list(g.postal_codes or []),
                "categories": list(g.categories or []),
                "languages": list(g.languages or []),
                "url": conf.base_url() + reverse("group", args=[g.slug]),
            }
            for g in groups
        ]
    }


def _strings(value: Any, limit: int = 50) -> list[str]:
    return [str(v)[:20] for v in value[:limit]] if isinstance(value, list) else []


def _valid(row: PeerGroup) -> bool:
    try:
        row.full_clean(exclude=["peer", "url"], validate_unique=False, validate_constraints=False)
    except ValidationError:
        return False
    return True


def refresh(peer: Peer) -> int:
    """Fetch one peer's directory and replace what was kept of it; the number of groups."""
    try:
        found = remote.fetch_json(
            peer.url + "/peers/directory", key_id=keys.key_id(), private_key=keys.private_key()
        )
    except (remote.RemoteError, signatures.SignatureError):
        logger.info("peers: a peer's directory could not be fetched")
        return -1
    rows = []
    for item in found.get("groups", [])[:LIMIT] if isinstance(found.get("groups"), list) else []:
        if not isinstance(item, dict) or not str(item.get("url", "")).startswith(peer.url + "/"):
            continue  # a peer lists its own groups only
        row = PeerGroup(
            peer=peer,
            slug=str(item.get("slug", ""))[:50],
            name=str(item.get("name", ""))[:100],
            description=str(item.get("description", ""))[:2000],
            postal_codes=_strings(item.get("postal_codes")),
            categories=_strings(item.get("categories")),
            languages=_strings(item.get("languages")),
            url=str(item["url"])[:400],
        )
        if _valid(row):  # one bad entry does not hide the others
            rows.append(row)
    with transaction.atomic():
        PeerGroup.objects.filter(peer=peer).delete()
        PeerGroup.objects.bulk_create(rows, ignore_conflicts=True)
        Peer.objects.filter(pk=peer.pk).update(directory_fetched_at=timezone.now())
    return len(rows)


def refresh_all() -> dict[str, int]:
    return {peer.url: refresh(peer) for peer in Peer.objects.filter(state=PeerState.LINKED)}


def search(*, query: str = "", category: str = "", language: str = "") -> list[PeerGroup]:
    """Peers' groups matching a directory search (words in name, description or postal codes)."""
    words = [w.casefold() for w in query.split() if w]
    found = []
    # On every directory search, written out (`core.rows`): the ORM took about 0.3 ms of CPU to build it.
    linked = rows.many(
        [(PeerGroup, "pg"), (Peer, "p")],
        f"FROM {rows.table(PeerGroup, 'pg')} JOIN {rows.table(Peer, 'p')} ON p.id = pg.peer_id "
        "WHERE p.state = %s ORDER BY pg.id",
        [PeerState.LINKED.value],
    )
    for group, peer in linked:
        group.peer = peer
        if category and category not in group.categories:
            continue
        if language and language not in group.languages:
            continue
        text = " ".join([group.name, group.description, *group.postal_codes]).casefold()
        if all(w in text for w in words):
            found.append(group)
        if len(found) >= SHOWN:
            break
    return found
