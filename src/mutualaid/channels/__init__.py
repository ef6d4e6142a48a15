"""E-mail and SMS in and out: notifications, keyword conversations, check-ins, broadcasts.

Other apps call `notify(user=..., kind=..., context=...)`; it decides by the member's preferences
whether to send now, add to the daily digest or stay quiet, and sends after the transaction commits.
"""

from __future__ import annotations

from typing import Any


def notify(*, user: Any, kind: str, context: dict[str, Any] | None = None) -> None:
    from mutualaid.channels.notifications import notify as _notify

    _notify(user=user, kind=kind, context=context or {})
