"""What matching tells members: a possible match ("match"); coordinators hear of proposals as an
"approval" (a kind of groups). Through core.notify."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy

# kind -> (subject, text); placeholders come from the caller's context (names and titles, never contact details).
NOTICE_KINDS: dict[str, tuple[Any, Any]] = {
    "match": (
        gettext_lazy("A possible match in %(group)s"),
        gettext_lazy('"%(title)s" may match what you asked for or offered. %(url)s'),
    ),
}
