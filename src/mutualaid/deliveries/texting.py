"""Texting a neighbour without an account, through a port the channels app registers (never imported).

A stop's need may belong to a neighbour who has no account: one who texted the group's number (the
channels app holds their number and the language they texted in) or one a coordinator entered with a
number (``exchange.Contact``). This app never sees the number. It hands the post and a function that
writes the message in a given language to the texter the channels app registers in its ``ready()``;
the texter finds the number and the language, respects STOP, and queues the text from the group's
number in the caller's transaction (sent once it commits). It answers whether a text was queued.
Without channels installed nothing is sent.

A second port answers what the neighbour said when they texted the need in, asked whether they agree to
an "on the way" text (True, False, or None when they were not asked or did not answer): it fills a new
stop's ``text_on_way`` unless the coordinator chooses otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# (post, render) -> whether a text was queued; render(language) gives the body in that language.
Render = Callable[[str], str]
NeighbourTexter = Callable[[Any, Render], bool]
_texters: list[NeighbourTexter] = []


def register_neighbour_texter(texter: NeighbourTexter) -> None:
    """Called once from the channels app's ``ready()``; a second registration replaces the first."""
    _texters[:] = [texter]


def text_neighbour_of(post: Any, render: Render) -> bool:
    """Text the neighbour the post is held for, in their language; whether a text was queued."""
    return any(texter(post, render) for texter in list(_texters))


# post -> True (agreed), False (declined) or None (not asked / no answer).
ConsentReader = Callable[[Any], bool | None]
_consents: list[ConsentReader] = []


def register_consent_reader(reader: ConsentReader) -> None:
    """Called once from the channels app's ``ready()``; a second registration replaces the first."""
    _consents[:] = [reader]


def consent_of(post: Any) -> bool | None:
    """What the neighbour the post is held for answered about an "on the way" text, if anything."""
    for reader in list(_consents):
        answer = reader(post)
        if answer is not None:
            return answer
    return None
