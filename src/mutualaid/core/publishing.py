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


@dataclass(frozen=True)
class PublicEvent:
    """The public face of a dated gathering (a distribution day, a skill-share session).

    `visible` False means "no longer public" (made non-public or cancelled): the publisher withdraws
    what it sent, if anything. Only what a coordinator chose to publish travels: a name, the time, a
    coarse area (never an address), the public description and the path of a public page, if any.
    """

    group_id: int
    source: str  # "shifts.day:<id>": one stable identity per event, so changes update the same object
    visible: bool
    name: str = ""
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    area: str = ""
    description: str = ""
    path: str = ""  # a public page on this server, or "" (the group's page is used)


EventListener = Callable[[PublicEvent], object]
_event_listeners: list[EventListener] = []


def register_events(listener: EventListener) -> None:
    if listener not in _event_listeners:
        _event_listeners.append(listener)


def event_changed(event: PublicEvent) -> None:
    for listener in _event_listeners:
        listener(event)
