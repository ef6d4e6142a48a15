"""The count of unread notices in the header of every page, for logged-in members.

Lazy: the count query runs only when a template shows it (one indexed count, see Notice.Meta)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def unread_notices(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def count() -> int:
        from mutualaid.channels.notices import unread_count

        return unread_count(user=user)

    return {"unread_notices": SimpleLazyObject(count)}
