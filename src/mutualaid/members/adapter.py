from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings
from django.http import HttpRequest

from mutualaid.core import encryption, ratelimit


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]  # allauth ships no types
    """Accounts are created through an invitation or a join request, never by open sign-up."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        """Count the attempt against the typed username before checking the password (THREATS.md 10).

        Counted first, in one atomic statement, so parallel guesses cannot slip past the limit; a right
        password gives its count back (`authenticate`). Unknown usernames count the same way, so a
        lockout does not tell which names exist. allauth's own count (super()) is not taken: it kept each
        attempt's time in the cache table, a login history.
        """
        login = str(credentials.get("username") or credentials.get("email") or "").strip().lower()
        try:
            self._login_count_key = ratelimit.limit(
                scope=f"login:{login}", action="login_failed", rate=settings.MUTUALAID_LOGIN_LOCKOUT
            )
        except ratelimit.RateLimited:
            raise self.validation_error("too_many_login_attempts") from None

    def authenticate(self, request: HttpRequest, **credentials: Any) -> Any:
        self._login_count_key = None
        user = super().authenticate(request, **credentials)
        if user is not None:
            ratelimit.give_back(self._login_count_key)
        return user


class MFAAdapter(DefaultMFAAdapter):  # type: ignore[misc]  # allauth ships no types
    """TOTP seeds are sealed with mutualaid's key ring, like every other secret of a member."""

    def encrypt(self, text: str) -> str:
        return encryption.encrypt(text, context="mfa_authenticator.data")

    def decrypt(self, encrypted_text: str) -> str:
        value = encryption.decrypt(encrypted_text, context="mfa_authenticator.data")
        if value is None:
            # The key ring is gone (panic) or the value predates it: the second factor must be set up again.
            return ""
        return value
