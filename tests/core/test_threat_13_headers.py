"""THREATS.md property 13: strict headers on every URL (CSP with no external origin and no unsafe-inline or
unsafe-eval, frame-ancestors 'none', nosniff, Referrer-Policy, no server version, HSTS behind TLS), and no
external host in any template or page: no `src`, `href` or `action` leaves the site.

Every route as every role is checked inside the access-matrix walk (tests/test_access_matrix.py, which calls
tests/headers.py on each response), so the suite requests each URL once for both properties."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from mutualaid.core.middleware import CONTENT_SECURITY_POLICY
from tests.headers import (
    CSS_EXTERNAL,
    EXTERNAL,
    INLINE_SCRIPT,
    INLINE_STYLE,
    SRC,
    assert_strict_headers,
    csp_directives,
)


def test_the_policy_itself_is_strict() -> None:
    assert set(csp_directives(CONTENT_SECURITY_POLICY)) >= {
        "default-src",
        "script-src",
        "style-src",
        "frame-ancestors",
    }


def test_error_pages_have_strict_headers(db: Any) -> None:
    assert_strict_headers(Client().get("/no-such-page/"), "404")
    assert_strict_headers(Client().get("/api/v1/no-such-operation"), "API 404")


def test_hsts_behind_tls(db: Any, settings: Any) -> None:
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = Client().get(reverse("healthz"), secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert (
        "Strict-Transport-Security" not in Client().get(reverse("healthz")).headers
    )  # never over plain HTTP


def test_no_template_or_stylesheet_names_an_external_host() -> None:
    offenders = []
    for path in SRC.rglob("*"):
        if path.suffix not in {".html", ".txt", ".css", ".js", ".svg"} or (
            "static" in path.parts and path.suffix == ".js"
        ):
            continue
        text = path.read_text(errors="replace")
        pattern = CSS_EXTERNAL if path.suffix == ".css" else EXTERNAL
        offenders += [f"{path.relative_to(SRC)}: {m}" for m in pattern.findall(text)]
    assert offenders == []


def test_no_template_has_inline_script_or_style() -> None:
    offenders = []
    for path in SRC.rglob("templates/**/*.html"):
        text = path.read_text()
        offenders += [
            f"{path.relative_to(SRC)}: {m}" for m in INLINE_SCRIPT.findall(text) + INLINE_STYLE.findall(text)
        ]
    assert offenders == []


def test_the_patterns_catch_what_they_look_for() -> None:
    assert EXTERNAL.findall('<script src="https://cdn.example.org/x.js"></script>')
    assert EXTERNAL.findall("<a href='//tracker.example'>")
    assert not EXTERNAL.findall('<a href="/directory/">')
    assert CSS_EXTERNAL.findall("body { background: url('https://fonts.example/x.png') }")
    assert INLINE_SCRIPT.findall("<script>alert(1)</script>") and not INLINE_SCRIPT.findall(
        '<script src="/s.js">'
    )
    assert INLINE_STYLE.findall('<p style="color:red">') and INLINE_STYLE.findall('<img onerror="x()">')
