"""Error reports (Django's debug page, an error mail an operator may add) never show a password or a
second-factor code, whether it came in a header (the API's data download) or a form field (the page's)."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.views.debug import ExceptionReporter, get_default_exception_reporter_filter

CODE = "492817"
PASSWORD = "solidarity-secret-pass-2026"
RECOVERY = "a1b2c3d4"


@pytest.mark.parametrize("debug", [False, True])
def test_headers_carrying_a_password_or_a_second_factor_code_are_hidden(
    settings: object, debug: bool
) -> None:
    settings.DEBUG = debug  # type: ignore[attr-defined]
    request = RequestFactory().get(
        "/api/v1/me/export",
        headers={
            "X-Password": PASSWORD,
            "X-Second-Factor-Code": CODE,
            "Authorization": "Bearer mat_secret_token_value",
            "Accept-Language": "es",
        },
    )
    for report in _report(request):
        assert PASSWORD not in report and CODE not in report and "mat_secret_token_value" not in report
        assert "HTTP_X_SECOND_FACTOR_CODE" in report, "the header is named, its value hidden"
    meta = get_default_exception_reporter_filter().get_safe_request_meta(request)
    assert meta["HTTP_ACCEPT_LANGUAGE"] == "es", "harmless headers stay readable"


@pytest.mark.parametrize("debug", [False, True])
def test_form_fields_with_a_password_or_a_code_are_hidden_on_every_view(
    settings: object, debug: bool
) -> None:
    settings.DEBUG = debug  # type: ignore[attr-defined]
    request = RequestFactory().post(
        "/me/export/", {"password": PASSWORD, "code": CODE, "recovery_code": RECOVERY, "title": "Rice"}
    )
    for report in _report(request):
        assert PASSWORD not in report and CODE not in report and RECOVERY not in report
    shown = get_default_exception_reporter_filter().get_post_parameters(request)
    assert shown["title"] == "Rice"


# Last in the file: a report quotes the lines around the raise, and these must not be the test's values.
def _report(request: object) -> tuple[str, str]:
    try:
        raise RuntimeError("boom")
    except RuntimeError as exc:
        reporter = ExceptionReporter(request, type(exc), exc, exc.__traceback__)
        return reporter.get_traceback_text(), reporter.get_traceback_html()
