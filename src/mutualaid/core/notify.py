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
