"""Outgoing deliveries: one row per (activity, inbox), sent by the worker with retries and backoff.

A follower whose server has a shared inbox is reached through it, so one announcement to 10,000
followers on 500 servers is 500 deliveries. Sending: hosts in parallel (MUTUALAID_FEDERATION_CONCURRENCY),
one request at a time per host, so no server is flooded. A failed try (no answer, 5xx, 429, 408) is
retried after 30 s, 2 min, 8 min… (core.jobs.backoff) until MUTUALAID_FEDERATION_GIVE_UP_HOURS
(48 h by default) after the first try, then given up; any other 4xx means the inbox refuses for good.

Which signature ("double knock"): a host not known yet, or known to accept RFC 9421, is sent an RFC 9421
signature first; if it answers 401 or 403 the same delivery is sent once more at once with draft-cavage.
What succeeded is remembered per host (in the shared cache, SCHEME_MEMORY_DAYS), so a host that only
reads draft-cavage gets draft-cavage alone from then on, and is asked with RFC 9421 again after the
memory expires (servers upgrade). A host answering 401 to both is left unknown (a real refusal).
"""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.cache import cache
from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from mutualaid.core.jobs import backoff, enqueue_on_commit
from mutualaid.federation import conf, remote
from mutualaid.federation.models import Activity, Delivery, DeliveryState, Follower

logger = logging.getLogger(__name__)

BATCH = 2000
RETRY_STATUSES = frozenset({408, 425, 429})


def follower_inboxes(group_id: int) -> set[str]:
    """Where the group's followers are reached: each server's shared inbox once, else each inbox.

    Followers are grouped by the blind index of their delivery address, so only one sealed address per
    distinct target is opened (500 for 10,000 followers on 500 servers).
    """
    firsts = list(
        Follower.objects.filter(group_id=group_id)
        .values("target_index")
        .annotate(first=Min("pk"))
        .values_list("first", flat=True)
    )
    inboxes: set[str] = set()
    for start in range(0, len(firsts), 500):
        chunk = firsts[start : start + 500]
        for shared, own in Follower.objects.filter(pk__in=chunk).values_list("shared_inbox_url", "inbox_url"):
            target = shared or own
            if target:
                inboxes.add(target)
    return inboxes


def fan_out(activity: Activity) -> int:
    return queue(activity, sorted(follower_inboxes(activity.group_id)))


def queue(activity: Activity, inboxes: Iterable[str]) -> int:
    """Rows for each inbox, and the worker woken once this commits."""
    now = timezone.now()
    give_up = now + timedelta(hours=conf.give_up_hours())
    rows = [
        Delivery(
            activity=activity,
            inbox_url=inbox,
            host=urlsplit(inbox).netloc[:255],
            next_attempt_at=now,
            give_up_at=give_up,
        )
        for inbox in inboxes
    ]
    Delivery.objects.bulk_create(rows, batch_size=1000)
    if rows:
        from mutualaid.federation.tasks import deliver

        enqueue_on_commit(deliver)
    return len(rows)


SCHEME_MEMORY_DAYS = 30
REFUSED_SIGNATURE = frozenset({401, 403})
Job = tuple[int, str, bytes, str, rsa.RSAPrivateKey]


def scheme_key(host: str) -> str:
    return "federation:scheme:" + hashlib.sha256(host.lower().encode()).hexdigest()


def known_schemes(hosts: Iterable[str]) -> dict[str, str]:
    """What each host accepted last time (remote.RFC9421 or remote.CAVAGE); hosts never reached are absent."""
    keys = {scheme_key(host): host for host in hosts}
    return {keys[key]: str(value) for key, value in cache.get_many(list(keys)).items()}


def remember_schemes(learned: dict[str, str]) -> None:
    if learned:
        cache.set_many(
            {scheme_key(host): scheme for host, scheme in learned.items()},
            timeout=SCHEME_MEMORY_DAYS * 86400,
        )


def _send_host(jobs: list[Job], known: str | None) -> tuple[list[tuple[int, int | None]], str | None]:
    """Deliver one host's due rows in order (one connection at a time): (delivery id, status or None)
    each, and the scheme the host accepted in this run (None when nothing told)."""
    results: list[tuple[int, int | None]] = []
    scheme, learned = known, None
    for pk, inbox, body, key_id, key in jobs:
        try:
            if scheme == remote.CAVAGE:
                status = remote.post(inbox, body=body, key_id=key_id, private_key=key, scheme=remote.CAVAGE)
            else:
                status = remote.post(inbox, body=body, key_id=key_id, private_key=key, scheme=remote.RFC9421)
                if status in REFUSED_SIGNATURE:  # the second knock, once
                    status = remote.post(
                        inbox, body=body, key_id=key_id, private_key=key, scheme=remote.CAVAGE
                    )
                    if 200 <= status < 300:
                        scheme = learned = remote.CAVAGE
                elif 200 <= status < 300:
                    scheme = learned = remote.RFC9421
        except remote.RemoteError:
            status = None
        results.append((pk, status))
    return results, learned


def run_due(now: datetime | None = None) -> dict[str, int]:
    """Send every due delivery (up to BATCH); counts of sent, retried and given up."""
    from mutualaid.federation.services import signing_key

    now = now or timezone.now()
    due = list(
        Delivery.objects.filter(state=DeliveryState.PENDING, next_attempt_at__lte=now)
        .select_related("activity__group")
        .order_by("next_attempt_at", "pk")[:BATCH]
    )
    keys: dict[int, tuple[str, rsa.RSAPrivateKey]] = {}
    bodies: dict[int, bytes] = {}
    per_host: dict[str, list[Job]] = defaultdict(list)
    rows = {d.pk: d for d in due}
    for d in due:
        group = d.activity.group
        if group.pk not in keys:
            keys[group.pk] = signing_key(group)
        if d.activity_id not in bodies:
            bodies[d.activity_id] = (d.activity.document or "").encode()
        key_id, key = keys[group.pk]
        per_host[d.host].append((d.pk, d.inbox_url or "", bodies[d.activity_id], key_id, key))
    counts = {"sent": 0, "retry": 0, "gave_up": 0}
    known = known_schemes(per_host)
    hosts = list(per_host)
    with ThreadPoolExecutor(max_workers=conf.concurrency()) as pool:
        sent = list(pool.map(_send_host, [per_host[h] for h in hosts], [known.get(h) for h in hosts]))
    outcomes = [item for chunk, _learned in sent for item in chunk]
    remember_schemes(
        {
            host: learned
            for host, (_chunk, learned) in zip(hosts, sent, strict=True)
            if learned and learned != known.get(host)
        }
    )
    finished = timezone.now()
    for pk, status in outcomes:
        d = rows[pk]
        d.attempts += 1
        if status is not None and 200 <= status < 300:
            d.state, d.sent_at = DeliveryState.SENT, finished
            counts["sent"] += 1
        elif status is not None and 400 <= status < 500 and status not in RETRY_STATUSES:
            d.state = DeliveryState.GAVE_UP
            counts["gave_up"] += 1
        else:
            retry_at = finished + backoff(d.attempts)
            if retry_at > d.give_up_at:
                d.state = DeliveryState.GAVE_UP
                counts["gave_up"] += 1
            else:
                d.next_attempt_at = retry_at
                counts["retry"] += 1
    with transaction.atomic():
        Delivery.objects.bulk_update(
            due, ["attempts", "state", "sent_at", "next_attempt_at"], batch_size=1000
        )
        if due:  # an idle run wakes nobody: the periodic run every five minutes is the safety net
            _wake_for_next()
    if counts["gave_up"]:
        logger.warning("federation: gave up %d deliveries", counts["gave_up"])
    return counts


def _wake_for_next() -> None:
    """Queue the next run for when the earliest waiting delivery is due."""
    from mutualaid.federation.tasks import deliver

    nxt = (
        Delivery.objects.filter(state=DeliveryState.PENDING)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )
    if nxt is not None:
        transaction.on_commit(lambda: deliver.using(run_after=max(nxt, timezone.now())).enqueue())
