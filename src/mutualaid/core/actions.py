"""The shapes every POST view shares: run a service call, report the outcome, never 500 on a refusal.

`flash_action` is for buttons (the view redirects back either way); `form_action` for forms (the view shows
the form again, its fields marked, when the write is refused).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse

from mutualaid.core.forms import apply_errors


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


def form_action(
    request: HttpRequest,
    form: forms.Form,
    save: Callable[[dict[str, Any]], HttpResponse],
    *,
    valid: bool | None = None,
) -> HttpResponse | None:
    """On a POST whose form is valid, the response of ``save(form.cleaned_data)``: the write, a message, where
    to go next. A ValidationError it raises lands on the form's fields (see `apply_errors`).

    None when there is nothing to answer but the form again (a GET, an invalid form, a refused write); the
    view renders it then, with status 400 when ``form.errors``. ``valid`` overrides the check, for a form
    validated under other settings (a time zone) or with checks of the view's own.
    """
    if valid is None:
        valid = request.method == "POST" and form.is_valid()
    if not valid:
        return None
    try:
        return save(form.cleaned_data)
    except ValidationError as exc:
        apply_errors(form, exc)
        return None
