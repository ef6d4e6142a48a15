"""Every JSON document this install sends to other servers is built here, and only here.

The allow-list below names every key an outgoing document may carry; `checked` refuses anything else,
so a field added by mistake (a member's name, an address, a post) cannot leave the server. A test
builds every type and walks it against the list.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.urls import reverse

from mutualaid.federation import conf

AS_CONTEXT = "https://www.w3.org/ns/activitystreams"
SECURITY_CONTEXT = "https://w3id.org/security/v1"
PUBLIC_AUDIENCE = "https://www.w3.org/ns/activitystreams#Public"

ALLOWED: dict[str, frozenset[str]] = {
    "Group": frozenset(
        {
            "@context",
            "id",
            "type",
            "preferredUsername",
            "name",
            "summary",
            "url",
            "inbox",
            "outbox",
            "followers",
            "endpoints",
            "publicKey",
            "manuallyApprovesFollowers",
            "discoverable",
        }
    ),
    "Note": frozenset({"id", "type", "attributedTo", "content", "published", "to", "cc", "url"}),
    "Event": frozenset(
        {
            "id",
            "type",
            "attributedTo",
            "name",
            "startTime",
            "endTime",
            "location",
            "content",
            "url",
            "published",
            "updated",
            "to",
            "cc",
        }
    ),
    "Place": frozenset({"type", "name"}),  # an area's name only, never an address
    "Tombstone": frozenset({"id", "type"}),
    "Create": frozenset({"@context", "id", "type", "actor", "object", "published", "to", "cc"}),
    "Update": frozenset({"@context", "id", "type", "actor", "object", "published", "to", "cc"}),
    "Delete": frozenset({"@context", "id", "type", "actor", "object", "published", "to", "cc"}),
    "Accept": frozenset({"@context", "id", "type", "actor", "object"}),
    "Follow": frozenset({"id", "type", "actor", "object"}),
    "OrderedCollection": frozenset({"@context", "id", "type", "totalItems", "orderedItems", "first"}),
    "publicKey": frozenset({"id", "owner", "publicKeyPem"}),
    "endpoints": frozenset({"sharedInbox"}),
}


class NotAllowed(ValueError):
    pass


def checked(document: dict[str, Any]) -> dict[str, Any]:
    """Refuse a document with a key outside the allow-list (recursively)."""
    kind = document.get("type")
    allowed = ALLOWED.get(str(kind))
    if allowed is None:
        raise NotAllowed(f"type {kind!r} is never sent")
    for key, value in document.items():
        if key not in allowed:
            raise NotAllowed(f"{kind}.{key} is not on the allow-list")
        if key in {"publicKey", "endpoints"}:
            extra = set(value) - ALLOWED[key]
            if extra:
                raise NotAllowed(f"{kind}.{key} carries {sorted(extra)}")
        elif isinstance(value, dict) and "type" in value:
            checked(value)
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, dict):
                    checked(item)
    return document


def absolute(path: str) -> str:
    return conf.base_url() + path


def actor_id(slug: str) -> str:
    return absolute(reverse("federation_actor", args=[slug]))


def key_id(slug: str) -> str:
    return actor_id(slug) + "#main-key"


def shared_inbox() -> str:
    return absolute(reverse("federation_shared_inbox"))


def actor(group: Any, public_key_pem: str) -> dict[str, Any]:
    me = actor_id(group.slug)
    return checked(
        {
            "@context": [AS_CONTEXT, SECURITY_CONTEXT],
            "id": me,
            "type": "Group",
            "preferredUsername": group.slug,
            "name": group.name,
            "summary": group.description,
            "url": absolute(reverse("group", args=[group.slug])),
            "inbox": absolute(reverse("federation_inbox", args=[group.slug])),
            "outbox": absolute(reverse("federation_outbox", args=[group.slug])),
            "followers": absolute(reverse("federation_followers", args=[group.slug])),
            "endpoints": {"sharedInbox": shared_inbox()},
            "manuallyApprovesFollowers": False,
            "discoverable": True,
            "publicKey": {"id": key_id(group.slug), "owner": me, "publicKeyPem": public_key_pem},
        }
    )


def create_note(group: Any, *, activity_pk: int, text: str, published: datetime) -> dict[str, Any]:
    me = actor_id(group.slug)
    note_id = absolute(reverse("federation_object", args=[group.slug, activity_pk]))
    when = published.isoformat().replace("+00:00", "Z")
    followers = absolute(reverse("federation_followers", args=[group.slug]))
    note = {
        "id": note_id,
        "type": "Note",
        "attributedTo": me,
        "content": text_to_html(text),
        "published": when,
        "to": [PUBLIC_AUDIENCE],
        "cc": [followers],
        "url": note_id,
    }
    return checked(
        {
            "@context": AS_CONTEXT,
            "id": note_id + "#create",
            "type": "Create",
            "actor": me,
            "object": note,
            "published": when,
            "to": [PUBLIC_AUDIENCE],
            "cc": [followers],
        }
    )


def _when(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def event_activity(
    group: Any,
    *,
    verb: str,
    activity_pk: int,
    object_pk: int,
    event: Any,
    published: datetime,
) -> dict[str, Any]:
    """Create, Update or Delete of an Event (Mobilizon's fields), from a `PublicEvent`.

    Only the name, the time, the area's name, the public description and a public URL are read from
    the event; a Delete carries the object's id alone.
    """
    if verb not in {"Create", "Update", "Delete"}:
        raise NotAllowed(f"{verb} is never sent for an event")
    me = actor_id(group.slug)
    event_id = absolute(reverse("federation_object", args=[group.slug, object_pk]))
    followers = absolute(reverse("federation_followers", args=[group.slug]))
    when = _when(published)
    obj: dict[str, Any]
    if verb == "Delete":
        obj = {"id": event_id, "type": "Tombstone"}
    else:
        obj = {
            "id": event_id,
            "type": "Event",
            "attributedTo": me,
            "name": event.name,
            "startTime": _when(event.starts_at),
            "endTime": _when(event.ends_at),
            "content": text_to_html(event.description) if event.description else "",
            "url": absolute(event.path or reverse("group", args=[group.slug])),
            "published": when,
            "to": [PUBLIC_AUDIENCE],
            "cc": [followers],
        }
        if event.area:
            obj["location"] = {"type": "Place", "name": event.area}
        if verb == "Update":
            obj["updated"] = when
    return checked(
        {
            "@context": AS_CONTEXT,
            "id": absolute(reverse("federation_object", args=[group.slug, activity_pk])) + "#" + verb.lower(),
            "type": verb,
            "actor": me,
            "object": obj,
            "published": when,
            "to": [PUBLIC_AUDIENCE],
            "cc": [followers],
        }
    )


def accept(group: Any, *, activity_pk: int, follow: dict[str, Any]) -> dict[str, Any]:
    me = actor_id(group.slug)
    return checked(
        {
            "@context": AS_CONTEXT,
            "id": absolute(reverse("federation_object", args=[group.slug, activity_pk])),
            "type": "Accept",
            "actor": me,
            # Echo only the Follow's identity, never whatever else the other server sent.
            "object": {
                "id": str(follow.get("id", "")),
                "type": "Follow",
                "actor": str(follow["actor"]),
                "object": me,
            },
        }
    )


def collection(
    collection_id: str, *, total: int, items: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    document: dict[str, Any] = {
        "@context": AS_CONTEXT,
        "id": collection_id,
        "type": "OrderedCollection",
        "totalItems": total,
    }
    if items is not None:
        document["orderedItems"] = items
    return checked(document)


def text_to_html(text: str) -> str:
    """Plain text as the one HTML paragraph fediverse apps show (escaped; line breaks kept)."""
    from django.utils.html import escape

    return "<p>" + "<br>".join(escape(line) for line in text.splitlines()) + "</p>"
