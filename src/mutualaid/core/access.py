"""Access rules every app shares. App-specific helpers (`<app>/access.py`) build on these."""

from __future__ import annotations

from typing import Any

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.core.exceptions import PermissionDenied


class SecondFactorRequired(PermissionDenied):
    """A coordinator acted without a second factor set up (THREATS.md property 11)."""


def coordinator_has_second_factor(user: Any) -> bool:
    """True when `user` may use coordinator powers as far as the second factor goes."""
    if not settings.MUTUALAID_REQUIRE_COORDINATOR_MFA:
        return True
    return bool(is_mfa_enabled(user))


def require_second_factor(user: Any) -> None:
    """Raise SecondFactorRequired unless `user` has the second factor coordinator powers need."""
    if not coordinator_has_second_factor(user):
        raise SecondFactorRequired
