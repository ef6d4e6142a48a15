from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.http import HttpRequest

from mutualaid.core import encryption


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]  # allauth ships no types
    """Accounts are created through an invitation or a join request, never by open sign-up."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False


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
