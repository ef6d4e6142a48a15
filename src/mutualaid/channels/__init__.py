"""E-mail and SMS in and out: notifications, keyword conversations, check-ins, broadcasts.

Other apps tell members things through the core port (`mutualaid.core.notify.notify`); this app
registers the senders that decide, by each member's preferences, whether to send now, add to the daily
digest or stay quiet. `notify` here is the same function, kept for callers inside channels.
"""

from __future__ import annotations

from mutualaid.core.notify import notify

__all__ = ["notify"]
