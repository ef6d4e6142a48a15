"""The one shape every POST action view shares: run a service call, report the outcome, never 500 on a refusal."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest


def flash_action(request: HttpRequest, action: Callable[[], object], *, success: str = "") -> bool:
    """Run ``action``; a refusal becomes an error message, success an optional success message.

    Returns whether it went through. For buttons without a form (approve, withdraw, reverse…)
    whose view redirects back either way.
    """
    try:
        action()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return False
    if success:
        messages.success(request, success)
    return True
