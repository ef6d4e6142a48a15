"""One way to tell someone something: the notification port every app calls.

    from mutualaid.core.notify import notify
    notify(user=member, kind="claim", context={"group": ..., "title": ..., "name": ..., "url": ...})

`kind` is one of the notice kinds an app declares on its AppConfig (`notice_kinds`, core.registry);
`context` holds only names, titles and links, never contact details or message text. The port does not
know how people are reached: the channels app registers its senders (e-mail, SMS, in-app notices) in its
`ready()`, and each sender decides by the member's preferences. Senders run in the caller's transaction
and store what they will deliver there (an outbox row, a notice), so an event that is rolled back
announces nothing and one that commits is never lost; the actual sending is queued once it commits.
Without any sender registered (an install without channels) a notice goes nowhere.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from mutualaid.core.registry import notice_kinds


class Sender(Protocol):
    def __call__(self, *, user: Any, kind: str, context: dict[str, Any]) -> None: ...


_senders: dict[str, Sender] = {}


def register_sender(name: str, sender: Sender | Callable[..., None]) -> None:
    """Add (or replace, by name) a way of telling members; called from an AppConfig's `ready()`."""
    _senders[name] = sender


def senders() -> dict[str, Sender]:
    """The registered senders by name, in registration order."""
    return dict(_senders)


def notify(*, user: Any, kind: str, context: dict[str, Any] | None = None) -> None:
    """Tell `user` about an event of `kind`, through every registered sender (nobody if `user` is None)."""
    if kind not in notice_kinds():
        raise ValueError(f"unknown notification kind {kind!r}")
    if user is None:
        return
    values = dict(context or {})
    for sender in list(_senders.values()):
        sender(user=user, kind=kind, context=values)


# Many people at once ---------------------------------------------------------------------------------
#
# An alert to 10,000 people cannot afford `notify` once per person (a query or two per person and
# sender). `notify_bulk` hands the whole audience to one bulk sender (channels registers it), which
# stores every message and notice in a few bulk inserts and queues their sending in batches. The
# words are still the declared notice kind's, rendered once per language.


@dataclass(frozen=True)
class Recipient:
    user: Any
    channels: frozenset[str]  # of "sms", "email", "notice"


@dataclass(frozen=True)
class BulkResult:
    message_ids: list[int] = field(default_factory=list)  # e-mails and SMS queued
    notices: int = 0


class BulkSender(Protocol):
    def __call__(
        self, *, group: Any, kind: str, context: dict[str, Any], recipients: list[Recipient]
    ) -> BulkResult: ...


class Progress(Protocol):
    def __call__(self, message_ids: list[int]) -> dict[str, int]: ...


_bulk_senders: list[BulkSender] = []
_progress: list[Progress] = []


def register_bulk_sender(sender: BulkSender, progress: Progress) -> None:
    """Set the bulk sender and how to ask about its messages' delivery (channels, in `ready()`)."""
    _bulk_senders[:] = [sender]
    _progress[:] = [progress]


def notify_bulk(*, group: Any, kind: str, context: dict[str, Any], recipients: list[Recipient]) -> BulkResult:
    """Tell every recipient about one event of `kind` by the channels each one asked for; stored in the
    caller's transaction, sent once it commits. Without a bulk sender (no channels) nothing is sent."""
    if kind not in notice_kinds():
        raise ValueError(f"unknown notification kind {kind!r}")
    if not _bulk_senders or not recipients:
        return BulkResult()
    return _bulk_senders[0](group=group, kind=kind, context=dict(context), recipients=recipients)


def delivery_progress(message_ids: list[int]) -> dict[str, int]:
    """How many of these messages are queued, sent, failed… (empty without a bulk sender)."""
    if not _progress or not message_ids:
        return {}
    return _progress[0](message_ids)
