"""Notice kinds every domain app of a group may send (through core.notify): a reminder, a vote needed."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy

# kind -> (subject, text); placeholders come from the caller's context (names and titles, never contact details).
NOTICE_KINDS: dict[str, tuple[Any, Any]] = {
    "reminder": (
        gettext_lazy("Reminder: %(title)s"),
        gettext_lazy("A reminder from %(group)s: %(title)s. %(url)s"),
    ),
    "approval": (
        gettext_lazy("Your vote is needed in %(group)s: %(title)s"),
        gettext_lazy('"%(title)s" waits for approval in %(group)s. %(url)s'),
    ),
}
