"""The current second-factor code for a test's account, as the member's phone would show it.

allauth accepts only the code of the current 30-second period and refuses one it already accepted for the
account in that period. A test that computes a code a moment before the period ends and submits it after
(a loaded CI machine takes seconds between the two) was refused, and so was a test logging the same account
in twice within one period. So the cache of accepted codes is cleared, and a code with less than
`MARGIN_SECONDS` left to live is not handed out: the helper waits for the next period instead.
"""

from __future__ import annotations

import time
from typing import Any

MARGIN_SECONDS = 5


def secret_of(user: Any) -> str:
    from allauth.mfa.adapter import get_adapter
    from allauth.mfa.models import Authenticator

    return str(get_adapter().decrypt(Authenticator.objects.get(user=user, type="totp").data["secret"]))


def current_code(secret: str) -> str:
    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
    from django.core.cache import cache

    period = app_settings.TOTP_PERIOD
    left = period - time.time() % period
    if left < MARGIN_SECONDS:
        time.sleep(left + 0.05)
    cache.clear()
    return str(format_hotp_value(hotp_value(secret, int(time.time()) // period)))


def code_for(user: Any) -> str:
    return current_code(secret_of(user))
