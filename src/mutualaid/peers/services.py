"""Peer installs: linking and unlinking, referrals of unmet needs, and what a peer's signed message does.

Every request between peers is signed with the install key (the federation's draft-cavage signatures)
and checked against the key pinned when the operator linked the peer: a request from an install that is
not linked, or no longer, is refused before its body is read. Every message has an id; a retried
delivery is recognised and answered without doing anything twice.

A referral's words and the neighbour's contact never leave before one of the receiving group's
coordinators accepted: only then does the referring install encrypt them to the peer's key and send
them; the peer seals them with its own key ring. Nothing here logs them.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import orjson
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from mutualaid.core import ratelimit
from mutualaid.core.categories import Category
from mutualaid.core.jobs import enqueue_on_commit
from mutualaid.exchange import lifecycle
from mutualaid.exchange.models import Kind, Post, PostEvent, Status, Urgency
from mutualaid.federation import conf, remote, signatures
from mutualaid.federation import services as federation_services
from mutualaid.federation.services import json_depth
from mutualaid.groups.models import Group
from mutualaid.members.models import Membership, Role, User
from mutualaid.peers import keys, notices
from mutualaid.peers.models import (
    LIVE_STATES,
    Direction,
    Message,
    Peer,
    PeerGroup,
    PeerState,
    Referral,
    ReferralEvent,
    ReferralState,
    SeenMessage,
)

logger = logging.getLogger(__name__)

OFFER_HOURS = 72  # an offer nobody answers returns to the referring group after three days
ACTOR_PATH = "/peers/actor"
DETAILS_CONTEXT = "mutualaid.peers.details"


# --- linking ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """What an operator compares before linking: the other install's address, key and fingerprint."""

    url: str
    key_id: str
    public_key_pem: str
    fingerprint: str


def normalise_url(url: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ValidationError(_("Give the other server's address, like https://aid.example.org."))
    return f"{parts.scheme}://{parts.netloc}"


def describe(url: str) -> Candidate:
    """Fetch another install's actor document: its key and the fingerprint to compare out of band."""
    base = normalise_url(url)
    try:
        document = remote.fetch_json(base + ACTOR_PATH)
    except remote.RemoteError as exc:
        raise ValidationError(_("That server could not be reached or is not a mutualaid install.")) from exc
    key = document.get("publicKey")
    if (
        document.get("id") != base + ACTOR_PATH
        or not isinstance(key, dict)
        or not isinstance(key.get("publicKeyPem"), str)
        or key.get("id") != base + ACTOR_PATH + "#main-key"
    ):
        raise ValidationError(_("That server does not publish a peer key at its own address."))
    try:
        print_ = keys.fingerprint(key["publicKeyPem"])
    except signatures.SignatureError as exc:
        raise ValidationError(_("That server's key cannot be read.")) from exc
    return Candidate(url=base, key_id=key["id"], public_key_pem=key["publicKeyPem"], fingerprint=print_)


def is_self(candidate: Candidate) -> bool:
    return candidate.url == normalise_url(conf.base_url())


@transaction.atomic
def link(candidate: Candidate) -> Peer:
    """Link (or link again) the install described; its key is pinned as compared."""
    if is_self(candidate):
        raise ValidationError(_("An install cannot link to itself."))
    peer, _created = Peer.objects.update_or_create(
        url=candidate.url,
        defaults={
            "key_id": candidate.key_id,
            "public_key_pem": candidate.public_key_pem,
            "fingerprint": candidate.fingerprint,
            "state": PeerState.LINKED,
            "linked_at": timezone.now(),
            "unlinked_at": None,
        },
    )
    return peer


def unlink(peer: Peer, *, tell: bool = True) -> dict[str, int]:
    """Stop trusting a peer. Referrals in flight come back: ours return to the referring group (the
    need is open again here); theirs, not yet accepted here, are withdrawn. Details already received
    stay with the group that accepted them. The peer is told (once, best effort) when `tell`."""
    if tell and peer.state == PeerState.LINKED:
        body = orjson.dumps({"id": str(uuid.uuid4()), "type": "unlink"})
        try:
            remote.post(
                peer.url + "/peers/inbox", body=body, key_id=keys.key_id(), private_key=keys.private_key()
            )
        except (remote.RemoteError, signatures.SignatureError):
            logger.info("peers: the peer could not be told of the unlink")
    counts = {"returned": 0, "withdrawn": 0}
    with transaction.atomic():
        peer = Peer.objects.select_for_update().get(pk=peer.pk)
        peer.state = PeerState.UNLINKED
        peer.unlinked_at = timezone.now()
        peer.save(update_fields=["state", "unlinked_at"])
        for referral in Referral.objects.select_for_update(of=("self",)).filter(
            peer=peer, state__in=LIVE_STATES
        ):
            if referral.direction == Direction.OUT:
                _return(referral, "unlinked")
                counts["returned"] += 1
            else:
                _set(referral, ReferralState.RETURNED, "unlinked")
                counts["withdrawn"] += 1
        Message.objects.filter(peer=peer, state="pending").update(state="gave_up")
        PeerGroup.objects.filter(peer=peer).delete()
    return counts


def linked(url: str) -> Peer:
    peer = Peer.objects.filter(url=normalise_url(url), state=PeerState.LINKED).first()
    if peer is None:
        raise ValidationError(_("No linked install at that address."))
    return peer


# --- messages to peers --------------------------------------------------------------------------


def queue(peer: Peer, kind: str, payload: dict[str, Any], referral: Referral | None = None) -> Message:
    """A signed message for the worker to deliver (retried with backoff), woken once this commits."""
    message_uid = uuid.uuid4()
    body = orjson.dumps({"id": str(message_uid), "type": kind, **payload}).decode()
    message = Message.objects.create(
        uid=message_uid,
        peer=peer,
        referral=referral,
        kind=kind,
        body=body,
        give_up_at=timezone.now() + timedelta(hours=conf.give_up_hours()),
    )
    from mutualaid.peers.tasks import deliver

    enqueue_on_commit(deliver)
    return message


# --- referrals: the referring side --------------------------------------------------------------


def targets(post: Post) -> list[PeerGroup]:
    """Peer groups a need could go to: on linked installs, serving its category; sharing a postal code
    with the referring group first."""
    own = set(post.group.postal_codes or [])
    found = [
        g
        for g in PeerGroup.objects.filter(peer__state=PeerState.LINKED).select_related("peer")
        if not g.categories or post.category in g.categories
    ]
    return sorted(found, key=lambda g: (not own & set(g.postal_codes or []), g.name.lower()))


def _post_event(post: Post | None, actor: User | None, action: str) -> None:
    if post is not None:
        PostEvent.objects.create(
            post=post, actor=actor, action=action, from_status=post.status, to_status=post.status
        )


def _event(referral: Referral, action: str, actor: User | None = None) -> None:
    ReferralEvent.objects.create(referral=referral, action=action, actor=actor)


def _set(referral: Referral, state: str, action: str, actor: User | None = None) -> None:
    referral.state = state
    if action in {"accepted", "declined"}:
        referral.decided_at = timezone.now()
        referral.decided_by = actor
    referral.save(update_fields=["state", "decided_at", "decided_by"])
    _event(referral, action, actor)


def _return(referral: Referral, action: str) -> None:
    """An outgoing referral comes back: the need stays (or is again) the referring group's."""
    _set(referral, ReferralState.RETURNED if action != "declined" else ReferralState.DECLINED, action)
    _post_event(referral.post, None, "referral returned")
    transaction.on_commit(lambda: notices.ended(referral, "referral_returned"))


def _coordinator(user: User, group: Group) -> None:
    from mutualaid.core.access import require_second_factor

    if not Membership.objects.filter(user=user, group=group, role=Role.COORDINATOR).exists():
        raise PermissionDenied(_("Only coordinators can do that."))
    require_second_factor(user)


@transaction.atomic
def refer(*, post: Post, actor: User, target: PeerGroup) -> Referral:
    """Offer an open need to a peer's group: only its coarse form goes, until they accept."""
    _coordinator(actor, post.group)
    post = Post.objects.select_for_update().get(pk=post.pk)
    if post.kind != Kind.NEED or post.status != Status.OPEN:
        raise ValidationError(_("Only an open need can be referred."))
    if target.peer.state != PeerState.LINKED:
        raise ValidationError(_("That install is no longer linked."))
    if target.categories and post.category not in target.categories:
        raise ValidationError(_("That group does not take needs of this category."))
    if Referral.objects.filter(post=post, direction=Direction.OUT, state__in=LIVE_STATES).exists():
        raise ValidationError(_("This need is already referred; wait for the answer."))
    now = timezone.now()
    referral = Referral.objects.create(
        direction=Direction.OUT,
        peer=target.peer,
        group=post.group,
        post=post,
        other_slug=target.slug,
        other_name=target.name,
        category=post.category,
        cell=post.cell,
        urgency=post.urgency,
        quantity=post.quantity,
        window_start=post.window_start,
        window_end=post.window_end,
        expires_at=now + timedelta(hours=OFFER_HOURS),
    )
    _event(referral, "offered", actor)
    _post_event(post, actor, "referral offered")
    queue(target.peer, "offer", _offer_payload(referral), referral)
    return referral


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _offer_payload(referral: Referral) -> dict[str, Any]:
    """The coarse form: what a peer sees before anyone there accepted (no words, no contact)."""
    return {
        "referral": str(referral.uid),
        "to": referral.other_slug,
        "from": {"slug": referral.group.slug, "name": referral.group.name},
        "category": referral.category,
        "cell": referral.cell,
        "urgency": referral.urgency,
        "quantity": referral.quantity,
        "window_start": _when(referral.window_start),
        "window_end": _when(referral.window_end),
        "expires_at": _when(referral.expires_at),
    }


def _details_envelope(referral: Referral) -> dict[str, str]:
    post = referral.post
    if post is None:
        raise ValidationError("the referred need is gone")
    contact: dict[str, str] = {}
    if post.contact is not None:
        contact = {
            "name": post.contact.name or "",
            "phone": post.contact.phone or "",
            "email": post.contact.email or "",
        }
    elif post.author is not None:
        contact = {"name": post.author.display_name, "phone": "", "email": post.author.email or ""}
    clear = orjson.dumps(
        {
            "title": post.title or "",
            "details": post.details or "",
            "unit": post.unit or "",
            "address": post.address or "",
            "contact": contact,
        }
    )
    return keys.seal_for(referral.peer.public_key_pem, clear, context=f"{DETAILS_CONTEXT}:{referral.uid}")


def _close_referred(referral: Referral) -> None:
    """The details reached the peer: the need is theirs now, closed here as referred."""
    post = Post.objects.select_for_update().get(pk=referral.post_id) if referral.post_id else None
    _set(referral, ReferralState.REFERRED, "referred")
    if post is not None and post.status in lifecycle.TRANSITIONS["withdraw"]:
        before = post.status
        now = timezone.now()
        post.status = lifecycle.next_state(before, "withdraw")
        post.updated_at = post.closed_at = now
        post.save(update_fields=["status", "updated_at", "closed_at"])
        PostEvent.objects.create(
            post=post, actor=None, action="referred", from_status=before, to_status=post.status
        )
    transaction.on_commit(lambda: notices.ended(referral, "referral_referred"))


def message_sent(message: Message) -> None:
    """Called by the worker once a message was delivered."""
    if message.kind == "details" and message.referral_id:
        referral = Referral.objects.select_for_update(of=("self",)).get(pk=message.referral_id)
        if referral.state == ReferralState.ACCEPTED:
            _close_referred(referral)


def message_given_up(message: Message) -> None:
    """Called by the worker when a message could not be delivered: the need comes back."""
    if message.kind in {"offer", "details"} and message.referral_id:
        referral = Referral.objects.select_for_update(of=("self",)).get(pk=message.referral_id)
        if referral.direction == Direction.OUT and referral.state in LIVE_STATES:
            _return(referral, "undeliverable")


# --- referrals: the receiving side --------------------------------------------------------------


@transaction.atomic
def decide(*, referral: Referral, actor: User, accept: bool) -> Referral:
    """A coordinator of the receiving group accepts (the details are then sent) or declines."""
    _coordinator(actor, referral.group)
    referral = Referral.objects.select_for_update(of=("self",)).select_related("peer").get(pk=referral.pk)
    if referral.direction != Direction.IN or referral.state != ReferralState.OFFERED:
        raise ValidationError(_("This referral was already answered or has come back."))
    if referral.peer.state != PeerState.LINKED:
        raise ValidationError(_("That install is no longer linked."))
    _set(
        referral,
        ReferralState.ACCEPTED if accept else ReferralState.DECLINED,
        "accepted" if accept else "declined",
        actor,
    )
    queue(referral.peer, "accept" if accept else "decline", {"referral": str(referral.uid)}, referral)
    return referral


def details_of(referral: Referral) -> dict[str, Any] | None:
    """The need's words and contact a peer sent after acceptance (None before)."""
    if referral.direction != Direction.IN or referral.state != ReferralState.REFERRED or not referral.details:
        return None
    found = orjson.loads(referral.details)
    found["contact"] = orjson.loads(referral.contact or "{}")
    return found if isinstance(found, dict) else None


# --- the inbox ----------------------------------------------------------------------------------


# A peer's request and its refusal have the shape of an ActivityPub inbox's (federation.services).
Refused = federation_services.Refused
Incoming = federation_services.Incoming


def authenticate(incoming: Incoming) -> Peer:
    """The linked peer that signed this request, or Refused (unlinked, wrong key, altered, stale)."""
    if len(incoming.body) > conf.MAX_BODY:
        raise Refused(413, "body larger than 1 MB")
    try:
        parsed = signatures.parse(incoming.headers.get("signature", ""))
    except signatures.SignatureError as exc:
        raise Refused(401, str(exc)) from exc
    try:
        ratelimit.limit(
            scope="peerkey:" + hashlib.sha256(parsed.key_id.encode()).hexdigest(),
            action="peers_inbox",
            rate=conf.inbox_rate(),
        )
    except ratelimit.RateLimited as exc:
        raise Refused(429, "too many requests from this key") from exc
    peer = Peer.objects.filter(key_id=parsed.key_id, state=PeerState.LINKED).first()
    if peer is None:
        raise Refused(403, "not a linked install")
    try:
        signatures.verify(
            parsed=parsed,
            method=incoming.method,
            path=incoming.path,
            headers=incoming.headers,
            body=incoming.body,
            public_key_pem=peer.public_key_pem,
            now=timezone.now(),
            window=conf.date_window(),
        )
    except signatures.SignatureError as exc:
        raise Refused(401, str(exc)) from exc
    return peer


def receive(incoming: Incoming) -> int:
    """Handle one signed message from a peer; the status to answer."""
    try:
        peer = authenticate(incoming)
        try:
            message = orjson.loads(incoming.body)
        except orjson.JSONDecodeError as exc:
            raise Refused(400, "not JSON") from exc
        if not isinstance(message, dict):
            raise Refused(400, "not an object")
        if json_depth(message) > conf.MAX_DEPTH:
            raise Refused(400, "nested too deeply")
        try:
            message_uid = uuid.UUID(str(message.get("id")))
        except ValueError as exc:
            raise Refused(400, "no message id") from exc
        handler = HANDLERS.get(str(message.get("type")))
        if handler is None:
            return 202  # a newer peer's message this install does not know: acknowledged, ignored
        with transaction.atomic():
            try:
                with transaction.atomic():
                    SeenMessage.objects.create(peer=peer, uid=message_uid)
            except IntegrityError:
                return 202  # a retried delivery: handled already
            handler(peer, message)
    except Refused as refused:
        logger.info("peers: refused an incoming message (%s)", refused.reason)
        return refused.status
    return 202


def _referral(peer: Peer, message: dict[str, Any], direction: str) -> Referral:
    try:
        referral_uid = uuid.UUID(str(message.get("referral")))
    except ValueError as exc:
        raise Refused(400, "no referral id") from exc
    found = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("group")
        .filter(peer=peer, uid=referral_uid, direction=direction)
        .first()
    )
    if found is None:
        raise Refused(404, "unknown referral")
    return found


def _datetime(value: Any) -> datetime | None:
    if value in (None, ""):
        return None
    parsed = parse_datetime(str(value))
    if parsed is None or parsed.tzinfo is None:
        raise Refused(400, "unreadable time")
    return parsed


def _on_offer(peer: Peer, message: dict[str, Any]) -> None:
    group = Group.objects.filter(slug=str(message.get("to", "")), listed=True).first()
    if group is None:
        raise Refused(404, "no such listed group")
    raw_sender = message.get("from")
    sender: dict[str, Any] = raw_sender if isinstance(raw_sender, dict) else {}
    quantity = message.get("quantity")
    if (
        message.get("category") not in Category.values
        or message.get("urgency") not in Urgency.values
        or not isinstance(quantity, int)
        or not 1 <= quantity <= 1000
        or len(str(message.get("cell") or "")) > 20
    ):
        raise Refused(400, "not a valid offer")
    try:
        referral_uid = uuid.UUID(str(message.get("referral")))
    except ValueError as exc:
        raise Refused(400, "no referral id") from exc
    expires = _datetime(message.get("expires_at")) or timezone.now() + timedelta(hours=OFFER_HOURS)
    if Referral.objects.filter(peer=peer, uid=referral_uid, direction=Direction.IN).exists():
        return  # the same offer again (a new message id): nothing new
    referral = Referral(
        peer=peer,
        uid=referral_uid,
        direction=Direction.IN,
        group=group,
        other_slug=str(sender.get("slug", ""))[:50],
        other_name=str(sender.get("name", ""))[:100],
        category=message["category"],
        cell=str(message.get("cell") or ""),
        urgency=message["urgency"],
        quantity=quantity,
        window_start=_datetime(message.get("window_start")),
        window_end=_datetime(message.get("window_end")),
        expires_at=min(expires, timezone.now() + timedelta(hours=OFFER_HOURS)),
    )
    try:
        referral.full_clean(validate_constraints=False)
    except ValidationError as exc:
        raise Refused(400, "not a valid offer") from exc
    referral.save()
    _event(referral, "offered")
    transaction.on_commit(lambda: notices.offered(referral))


def _on_accept(peer: Peer, message: dict[str, Any]) -> None:
    referral = _referral(peer, message, Direction.OUT)
    if referral.state != ReferralState.OFFERED:
        return  # answered already, or came back: nothing leaves
    post = Post.objects.filter(pk=referral.post_id).first() if referral.post_id else None
    if post is None or post.status != Status.OPEN:
        # Met here meanwhile (or withdrawn): the peer is told it is not theirs after all.
        _set(referral, ReferralState.RETURNED, "withdrawn")
        queue(peer, "withdraw", {"referral": str(referral.uid)}, referral)
        return
    _set(referral, ReferralState.ACCEPTED, "accepted")
    _post_event(post, None, "referral accepted")
    queue(peer, "details", {"referral": str(referral.uid), "envelope": _details_envelope(referral)}, referral)


def _on_decline(peer: Peer, message: dict[str, Any]) -> None:
    referral = _referral(peer, message, Direction.OUT)
    if referral.state == ReferralState.OFFERED:
        _return(referral, "declined")


def _on_details(peer: Peer, message: dict[str, Any]) -> None:
    referral = _referral(peer, message, Direction.IN)
    if referral.state != ReferralState.ACCEPTED:
        raise Refused(409, "details for a referral not accepted here")
    try:
        clear = orjson.loads(
            keys.open_envelope(message.get("envelope"), context=f"{DETAILS_CONTEXT}:{referral.uid}")
        )
    except (keys.EnvelopeError, orjson.JSONDecodeError) as exc:
        raise Refused(400, "the details do not open") from exc
    if not isinstance(clear, dict):
        raise Refused(400, "the details are not an object")
    contact = clear.pop("contact", {})
    words = {key: str(clear.get(key, ""))[:2000] for key in ("title", "details", "unit", "address")}
    people = (
        {key: str(contact.get(key, ""))[:300] for key in ("name", "phone", "email")}
        if isinstance(contact, dict)
        else {}
    )
    referral.details = orjson.dumps(words).decode()
    referral.contact = orjson.dumps(people).decode()
    referral.state = ReferralState.REFERRED
    referral.save(update_fields=["details", "contact", "state"])
    _event(referral, "details arrived")


def _on_withdraw(peer: Peer, message: dict[str, Any]) -> None:
    referral = _referral(peer, message, Direction.IN)
    if referral.state in LIVE_STATES:
        _set(referral, ReferralState.RETURNED, "withdrawn")


def _on_unlink(peer: Peer, message: dict[str, Any]) -> None:
    transaction.on_commit(lambda: unlink(peer, tell=False))


HANDLERS = {
    "offer": _on_offer,
    "accept": _on_accept,
    "decline": _on_decline,
    "details": _on_details,
    "withdraw": _on_withdraw,
    "unlink": _on_unlink,
}


# --- timeouts -----------------------------------------------------------------------------------


def expire(now: datetime | None = None) -> int:
    """Offers nobody answered in time come back (ours) or are dropped (theirs)."""
    now = now or timezone.now()
    done = 0
    for pk in Referral.objects.filter(state=ReferralState.OFFERED, expires_at__lte=now).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            referral = (
                Referral.objects.select_for_update(of=("self",)).select_related("peer", "group").get(pk=pk)
            )
            if referral.state != ReferralState.OFFERED:
                continue
            if referral.direction == Direction.OUT:
                _return(referral, "timed out")
                if referral.peer.state == PeerState.LINKED:
                    queue(referral.peer, "withdraw", {"referral": str(referral.uid)}, referral)
            else:
                _set(referral, ReferralState.RETURNED, "timed out")
            done += 1
    return done
