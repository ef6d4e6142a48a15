"""Messages to peers, sent by the worker: one peer at a time, oldest first. A failed try (no answer,
5xx, 429, 408) is retried after 30 s, 2 min, 8 min… (core.jobs.backoff) until
MUTUALAID_FEDERATION_GIVE_UP_HOURS after it was queued; any other 4xx (an unlinked peer answers 403) is
final. A message given up brings its referral back to the referring group."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from mutualaid.core.jobs import backoff
from mutualaid.federation import remote, signatures
from mutualaid.peers import keys, services
from mutualaid.peers.models import Message, MessageState, PeerState

BATCH = 200
RETRY_STATUSES = frozenset({408, 425, 429})


def run_due(now: datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    counts = {"sent": 0, "retry": 0, "gave_up": 0}
    due = list(
        Message.objects.filter(
            state=MessageState.PENDING, next_attempt_at__lte=now, peer__state=PeerState.LINKED
        )
        .select_related("peer")
        .order_by("next_attempt_at", "pk")[:BATCH]
    )
    if not due:
        return counts
    key_id, key = keys.key_id(), keys.private_key()
    for message in due:
        try:
            status: int | None = remote.post(
                message.peer.url + "/peers/inbox",
                body=(message.body or "").encode(),
                key_id=key_id,
                private_key=key,
            )
        except (remote.RemoteError, signatures.SignatureError):
            status = None
        with transaction.atomic():
            message.attempts += 1
            finished = timezone.now()
            if status is not None and 200 <= status < 300:
                message.state, message.sent_at = MessageState.SENT, finished
                services.message_sent(message)
                counts["sent"] += 1
            elif status is not None and 400 <= status < 500 and status not in RETRY_STATUSES:
                message.state = MessageState.GAVE_UP
                services.message_given_up(message)
                counts["gave_up"] += 1
            else:
                retry_at = max(finished, now) + backoff(message.attempts)
                if retry_at > message.give_up_at:
                    message.state = MessageState.GAVE_UP
                    services.message_given_up(message)
                    counts["gave_up"] += 1
                else:
                    message.next_attempt_at = retry_at
                    counts["retry"] += 1
            message.save(update_fields=["attempts", "state", "sent_at", "next_attempt_at"])
    _wake_for_next()
    return counts


def _wake_for_next() -> None:
    from mutualaid.peers.tasks import deliver

    nxt = (
        Message.objects.filter(state=MessageState.PENDING)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )
    if nxt is not None:
        deliver.using(run_after=max(nxt, timezone.now())).enqueue()
