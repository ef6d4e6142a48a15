"""Federation writes: a group's key pair, publishing what was made public, and handling what arrives
in an inbox (Follow, Undo Follow, Delete; anything else is acknowledged and ignored)."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from typing import Any

import orjson
from cryptography.hazmat.primitives.asymmetric import rsa
from django.db import IntegrityError, transaction
from django.utils import timezone

from mutualaid.core import ratelimit
from mutualaid.core.encryption import blind_index
from mutualaid.core.publishing import PublicAnnouncement, PublicEvent
from mutualaid.federation import conf, delivery, documents, remote, rfc9421, signatures
from mutualaid.federation.models import Activity, Follower, GroupActor, Kind, RemoteKey, SeenActivity
from mutualaid.groups.models import Group

logger = logging.getLogger(__name__)

KEY_REFRESH_SECONDS = 24 * 3600


def _index(value: str, purpose: str) -> str:
    return blind_index(value, purpose=f"federation.{purpose}")


def target_index(inbox: str) -> str:
    return _index(inbox, "target")


def actor_for(group: Group) -> GroupActor:
    """The group's actor, its key pair made on first use (the private half sealed with the key ring)."""
    found = GroupActor.objects.filter(group=group).first()
    if found is not None:
        return found
    key = signatures.new_private_key()
    try:
        with transaction.atomic():
            return GroupActor.objects.create(
                group=group,
                public_key_pem=signatures.public_pem(key),
                private_key_pem=signatures.private_pem(key),
            )
    except IntegrityError:  # made by a parallel request a moment ago
        return GroupActor.objects.get(group=group)


def signing_key(group: Group) -> tuple[str, rsa.RSAPrivateKey]:
    actor = actor_for(group)
    if not actor.private_key_pem:
        raise signatures.SignatureError("the group's key is gone (key ring destroyed)")
    return documents.key_id(group.slug), signatures.load_private(actor.private_key_pem)


# --- publishing ---------------------------------------------------------------------------------


def publish_announcement(announcement: PublicAnnouncement) -> Activity | None:
    """A public announcement as a Create Note, queued to every follower's (shared) inbox."""
    group = Group.objects.filter(pk=announcement.group_id, listed=True).first()
    if group is None or not conf.enabled():
        return None
    with transaction.atomic():
        activity = Activity.objects.create(group=group, kind=Kind.NOTE, public=True, document="{}")
        document = documents.create_note(
            group, activity_pk=activity.pk, text=announcement.text, published=announcement.published_at
        )
        activity.document = orjson.dumps(document).decode()
        activity.save(update_fields=["document"])
        delivery.fan_out(activity)
    return activity


def publish_event(event: PublicEvent) -> Activity | None:
    """A public event as Create, Update or Delete {Event}, queued to every follower's inbox.

    What was sent before for the same source decides the verb: nothing (or a Delete) and visible:
    Create; sent and visible: Update (only when something changed); sent and no longer visible:
    Delete. An unlisted group, or federation turned off, sends nothing.
    """
    group = Group.objects.filter(pk=event.group_id, listed=True).first()
    if group is None or not conf.enabled():
        return None
    with transaction.atomic():
        history = Activity.objects.select_for_update().filter(
            group=group, kind=Kind.EVENT, source=event.source
        )
        last = history.order_by("-pk").first()
        live = last is not None and orjson.loads(last.document or "{}").get("type") != "Delete"
        if event.visible:
            verb = "Update" if live else "Create"
        elif live:
            verb = "Delete"
        else:
            return None
        first = history.filter(pk__gt=_last_delete_pk(history)).order_by("pk").first() if live else None
        activity = Activity.objects.create(
            group=group, kind=Kind.EVENT, public=verb != "Delete", source=event.source, document="{}"
        )
        object_pk = first.pk if first is not None else activity.pk
        document = documents.event_activity(
            group,
            verb=verb,
            activity_pk=activity.pk,
            object_pk=object_pk,
            event=event,
            published=timezone.now(),
        )
        if verb == "Update" and last is not None and _same_event(last, document):
            activity.delete()
            return None
        activity.document = orjson.dumps(document).decode()
        activity.save(update_fields=["document"])
        # Only the newest state of an event stays in the outbox; a Delete withdraws it.
        history.exclude(pk=activity.pk).update(public=False)
        delivery.fan_out(activity)
    return activity


def _last_delete_pk(history: Any) -> int:
    for past in history.order_by("-pk"):
        if orjson.loads(past.document or "{}").get("type") == "Delete":
            return int(past.pk)
    return 0


def _same_event(last: Activity, document: dict[str, Any]) -> bool:
    ignore = {"published", "updated"}
    before = {
        k: v for k, v in orjson.loads(last.document or "{}").get("object", {}).items() if k not in ignore
    }
    after = {k: v for k, v in document["object"].items() if k not in ignore}
    return before == after


# --- the inbox ----------------------------------------------------------------------------------


class Refused(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class Incoming:
    method: str
    path: str
    headers: dict[str, str]  # lower-case names
    body: bytes


def json_depth(value: Any) -> int:
    """Nesting depth of parsed JSON, without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values() if isinstance(v, dict | list))
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item if isinstance(v, dict | list))
    return deepest


def remote_key(key_id: str, *, refresh: bool = False) -> tuple[str, str]:
    """(owner actor URL, public key PEM) for a keyId: cached, fetched from the owner when unknown."""
    index = _index(key_id, "key")
    cached = RemoteKey.objects.filter(key_index=index).first()
    fresh = cached is not None and (timezone.now() - cached.fetched_at).total_seconds() < KEY_REFRESH_SECONDS
    if cached is not None and fresh and not refresh:
        return cached.owner_index, cached.public_key_pem
    try:
        document = remote.fetch_json(key_id.split("#", 1)[0])
    except remote.RemoteError as exc:
        raise Refused(401, "the signing key could not be fetched") from exc
    key = document.get("publicKey")
    if isinstance(key, list):
        key = next((k for k in key if isinstance(k, dict) and k.get("id") == key_id), None)
    if not isinstance(key, dict) or key.get("id") != key_id or not isinstance(key.get("publicKeyPem"), str):
        raise Refused(401, "the actor does not publish this key")
    owner = str(key.get("owner") or document.get("id") or "")
    if owner != document.get("id"):
        raise Refused(401, "the key's owner is not the actor that publishes it")
    owner_index = _index(owner, "actor")
    RemoteKey.objects.update_or_create(
        key_index=index,
        defaults={
            "owner_index": owner_index,
            "public_key_pem": key["publicKeyPem"],
            "fetched_at": timezone.now(),
        },
    )
    return owner_index, key["publicKeyPem"]


def authenticate(incoming: Incoming) -> tuple[str, dict[str, Any]]:
    """Check size, signature, digest, date and rate; (signer's actor index, activity) or Refused.

    Either scheme is accepted: RFC 9421 (`Signature-Input` + `Signature`, `Content-Digest`, `created`)
    when the request carries it, otherwise draft-cavage (`Signature`, `Digest`, `Date`). Both get the
    same rules: one rate limit per signing key, the same freshness window, the body's digest checked
    before any key is fetched, one re-fetch of a key that no longer verifies.
    """
    if len(incoming.body) > conf.MAX_BODY:
        raise Refused(413, "body larger than 1 MB")
    modern = rfc9421.present(incoming.headers)
    try:
        parsed: rfc9421.ParsedInput | signatures.ParsedSignature = (
            rfc9421.parse(incoming.headers)
            if modern
            else signatures.parse(incoming.headers.get("signature", ""))
        )
    except signatures.SignatureError as exc:
        raise Refused(401, str(exc)) from exc
    try:
        # A flood is limited per signing key, never per address (every visitor may be 127.0.0.1).
        ratelimit.limit(
            scope="fedkey:" + hashlib.sha256(parsed.key_id.encode()).hexdigest(),
            action="federation_inbox",
            rate=conf.inbox_rate(),
        )
    except ratelimit.RateLimited as exc:
        raise Refused(429, "too many activities from this key") from exc
    now = timezone.now()
    window = conf.date_window()
    post = incoming.method.upper() == "POST"

    def check(pem: str) -> None:
        if isinstance(parsed, rfc9421.ParsedInput):
            rfc9421.verify(
                parsed=parsed,
                method=incoming.method,
                url=documents.absolute(incoming.path),
                headers=incoming.headers,
                body=incoming.body,
                public_key_pem=pem,
                now=now,
                window=window,
            )
        else:
            signatures.verify(
                parsed=parsed,
                method=incoming.method,
                path=incoming.path,
                headers=incoming.headers,
                body=incoming.body,
                public_key_pem=pem,
                now=now,
                window=window,
            )

    # Date and digest first: a stale or altered request is refused without fetching any key.
    try:
        if isinstance(parsed, rfc9421.ParsedInput):
            rfc9421.check_fresh(parsed, now=now, window=window)
            if post:
                rfc9421.check_digest(incoming.headers, incoming.body)
        else:
            signatures.check_date(incoming.headers.get("date", ""), now=now, window=window)
            if post and incoming.headers.get("digest", "") != signatures.digest(incoming.body):
                raise signatures.SignatureError("Digest does not match the body")
    except signatures.SignatureError as exc:
        raise Refused(401, str(exc)) from exc
    owner_index, pem = remote_key(parsed.key_id)
    try:
        check(pem)
    except signatures.SignatureError:
        # The other server may have changed its key: fetch once more, then give up.
        owner_index, pem = remote_key(parsed.key_id, refresh=True)
        try:
            check(pem)
        except signatures.SignatureError as exc:
            raise Refused(401, str(exc)) from exc
    try:
        activity = orjson.loads(incoming.body)
    except orjson.JSONDecodeError as exc:
        raise Refused(400, "not JSON") from exc
    if not isinstance(activity, dict):
        raise Refused(400, "not an object")
    if json_depth(activity) > conf.MAX_DEPTH:
        raise Refused(400, "nested too deeply")
    actor = activity.get("actor")
    if not isinstance(actor, str) or _index(actor, "actor") != owner_index:
        raise Refused(401, "the activity's actor did not sign it")
    return owner_index, activity


def receive(incoming: Incoming, *, group: Group | None) -> int:
    """Handle one POST to a group's inbox (or the shared inbox); the status to answer."""
    try:
        _owner, activity = authenticate(incoming)
    except Refused as refused:
        logger.info("federation: refused an incoming activity (%s)", refused.reason)
        return refused.status
    activity_id = activity.get("id")
    if isinstance(activity_id, str) and activity_id:
        try:
            with transaction.atomic():
                SeenActivity.objects.create(activity_index=_index(activity_id, "activity"))
        except IntegrityError:
            return 202  # a retried delivery: handled already
    kind = activity.get("type")
    if kind == "Follow":
        return _follow(activity, group)
    if kind == "Undo":
        inner = activity.get("object")
        if isinstance(inner, dict) and inner.get("type") == "Follow":
            return _unfollow(activity["actor"], inner, group)
        return 202
    if kind == "Delete":
        return _delete(activity)
    return 202  # politely ignored: this install reads nothing else


def _target_group(target: Any, group: Group | None) -> Group | None:
    if isinstance(target, dict):
        target = target.get("id")
    if not isinstance(target, str):
        return None
    found = (
        next(
            (g for g in Group.objects.filter(listed=True) if documents.actor_id(g.slug) == target),
            None,
        )
        if group is None
        else (group if documents.actor_id(group.slug) == target and group.listed else None)
    )
    return found


def _follow(activity: dict[str, Any], group: Group | None) -> int:
    target = _target_group(activity.get("object"), group)
    if target is None:
        return 202
    actor_url = activity["actor"]
    try:
        follower_doc = remote.fetch_json(actor_url)
    except remote.RemoteError:
        return 202  # we cannot learn where to deliver; the other server may try again
    inbox = follower_doc.get("inbox")
    if not isinstance(inbox, str) or follower_doc.get("id") != actor_url:
        return 202
    endpoints = follower_doc.get("endpoints")
    shared = endpoints.get("sharedInbox") if isinstance(endpoints, dict) else None
    shared = shared if isinstance(shared, str) else ""
    with transaction.atomic():
        Follower.objects.get_or_create(
            group=target,
            actor_index=_index(actor_url, "actor"),
            defaults={
                "actor_url": actor_url,
                "inbox_url": inbox,
                "shared_inbox_url": shared,
                "target_index": target_index(shared or inbox),
            },
        )
        answer = Activity.objects.create(group=target, kind=Kind.ACCEPT, public=False, document="{}")
        answer.document = orjson.dumps(
            documents.accept(target, activity_pk=answer.pk, follow=activity)
        ).decode()
        answer.save(update_fields=["document"])
        delivery.queue(answer, [inbox])
    return 202


def _unfollow(actor: str, follow: dict[str, Any], group: Group | None) -> int:
    if follow.get("actor") not in {None, actor}:
        return 202
    target = _target_group(follow.get("object"), group)
    if target is not None:
        Follower.objects.filter(group=target, actor_index=_index(actor, "actor")).delete()
    return 202


def _delete(activity: dict[str, Any]) -> int:
    """An account deleted on its server: forget its follows and its cached key."""
    actor = activity["actor"]
    gone = activity.get("object")
    if isinstance(gone, dict):
        gone = gone.get("id")
    if gone == actor:
        index = _index(actor, "actor")
        Follower.objects.filter(actor_index=index).delete()
        RemoteKey.objects.filter(owner_index=index).delete()
    return 202
