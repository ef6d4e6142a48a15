"""Things a group made public on purpose, told to whoever publishes them (federation) without the
app below importing the app above.

Channels sits below federation in the layers: when a coordinator marks an announcement public,
`channels` calls `announce_public(...)` after its transaction commits, and the federation app, which
registers a listener when it loads, publishes it to the group's followers. With no listener installed
nothing leaves the server. Listeners receive ids and the text marked public, never members' data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class PublicAnnouncement:
    group_id: int
    source: str  # "channels.broadcast:<id>": a stable identity, so a retry publishes once
    text: str
    published_at: datetime


Listener = Callable[[PublicAnnouncement], object]
_listeners: list[Listener] = []


def register(listener: Listener) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def announce_public(announcement: PublicAnnouncement) -> None:
    for listener in _listeners:
        listener(announcement)
