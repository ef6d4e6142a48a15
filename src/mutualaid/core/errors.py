"""The server-error page, and the one server error that is not a bug: the database went away.

When PostgreSQL restarts or fails over, requests in flight fail with a connection error wherever they
touch the database (a middleware loading the session, a view, a template). Every write runs in a
transaction, so such a request stored nothing: the answer is 503 "try again" with Retry-After, not a
500. Django calls `handler500` inside the `except` block of any uncaught exception, so this sees them
all, from middleware and views alike.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from typing import Any

from django.db import InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.debug import SafeExceptionReporterFilter
from django.views.defaults import page_not_found as django_page_not_found
from django.views.defaults import server_error as django_server_error

RETRY_AFTER_SECONDS = "5"


def database_unavailable(exception: BaseException | None) -> bool:
    """A connection-level database failure (the server is down or restarting), not a bad query."""
    if isinstance(exception, InterfaceError):
        return True
    if not isinstance(exception, OperationalError):
        return False
    if connection.vendor == "postgresql":
        return True
    # SQLite says "database is locked" when a writer waited past its timeout: also "try again".
    return "locked" in str(exception).lower()


def unavailable(request: HttpRequest) -> HttpResponse:
    # Drop the broken connection now, so the next request on this thread opens a fresh one.
    connection.close_if_unusable_or_obsolete()
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": "temporarily unavailable, try again"}, status=503)
    else:
        # A page of its own, not base.html: the layout reads the session and memberships from the
        # database that is not there.
        response = HttpResponse(render_to_string("core/unavailable.html"), status=503)
    response.headers["Retry-After"] = RETRY_AFTER_SECONDS
    return response


# How an API request says whose language to answer in when it names none (members registers the token
# holder's language at start-up: core imports no app).
_API_LANGUAGE: list[Callable[[HttpRequest], str | None]] = []


def register_api_language(find: Callable[[HttpRequest], str | None]) -> None:
    if find not in _API_LANGUAGE:
        _API_LANGUAGE.append(find)


def _api_language(request: HttpRequest) -> str | None:
    for find in _API_LANGUAGE:
        language = find(request)
        if language and translation.check_for_language(language):
            return language
    return None


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """An address nothing answers: under /api/ in the API's error shape (docs/api.md), in the language the
    request asks for (Accept-Language), else the token holder's (as the API's own answers), else the
    site's choice; elsewhere the site's page. A token only picks the words: the status, headers and shape
    are the same whether or not it is valid, so an unknown address tells nothing a known one does not."""
    if request.path.startswith("/api/"):
        language = _api_language(request)
        if language:
            translation.activate(language)  # the Content-Language header follows (LocaleMiddleware)
            request.LANGUAGE_CODE = language
        body = {"detail": "not found", "errors": {"__all__": [_("Not found.")]}}
        return JsonResponse(body, status=404, json_dumps_params={"ensure_ascii": False})
    return django_page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if database_unavailable(sys.exc_info()[1]):
        return unavailable(request)
    return django_server_error(request)


class ErrorReportFilter(SafeExceptionReporterFilter):
    """What an error report (Django's debug page, an error mail an operator adds) may show of a request.

    Django hides headers whose names hold API, AUTH, TOKEN, KEY, SECRET, PASS or SIGNATURE. Ours also
    carry second-factor codes (`X-Second-Factor-Code` on the data download) and passwords under other
    names, so those are hidden too. And a form's password, code or token fields are hidden on every view,
    not only on views someone remembered to mark with `sensitive_post_parameters`.
    """

    hidden_settings = re.compile(
        "API|AUTH|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE|SECOND_FACTOR|OTP|RECOVERY", flags=re.I
    )
    hidden_fields = re.compile(r"pass|token|secret|code|otp|credential|recovery|key", flags=re.I)

    def get_post_parameters(self, request: HttpRequest | None) -> Any:
        parameters = super().get_post_parameters(request)
        if not parameters:
            return parameters
        cleansed = parameters.copy()
        for name in cleansed:
            if self.hidden_fields.search(name):
                cleansed[name] = self.cleansed_substitute
        return cleansed
