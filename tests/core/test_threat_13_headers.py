"""THREATS.md property 13: strict headers on every URL (CSP with no external origin and no unsafe-inline or
unsafe-eval, frame-ancestors 'none', nosniff, Referrer-Policy, no server version, HSTS behind TLS), and no
external host in any template or page: no `src`, `href` or `action` leaves the site."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from django.test import Client
from django.urls import reverse

from mutualaid.core.middleware import CONTENT_SECURITY_POLICY
from tests.access import ROLES
from tests.test_access_matrix import ROUTES, build_world

SRC = Path(__file__).resolve().parents[2] / "src" / "mutualaid"
ALLOWED_SOURCES = {"'self'", "'none'", "data:"}
EXTERNAL = re.compile(
    r"""(?:src|href|action|srcset|poster|formaction|xlink:href)\s*=\s*["']?\s*(?:[a-z][a-z0-9+.-]*:)?//""",
    re.I,
)
CSS_EXTERNAL = re.compile(r"""url\(\s*["']?\s*(?:https?:)?//|@import\s+["']?(?:https?:)?//""", re.I)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_STYLE = re.compile(r"""<style\b|\sstyle\s*=|\son[a-z]+\s*=\s*["']""", re.I)


def csp_directives(policy: str) -> dict[str, list[str]]:
    directives = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def assert_strict_headers(response: Any, where: str) -> None:
    policy = response.headers.get("Content-Security-Policy", "")
    directives = csp_directives(policy)
    assert directives.get("frame-ancestors") == ["'none'"], where
    assert directives.get("object-src") == ["'none'"], where
    assert directives.get("default-src") == ["'self'"], where
    for name, sources in directives.items():
        unexpected = set(sources) - ALLOWED_SOURCES
        assert not unexpected, f"{where}: {name} allows {unexpected}"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, where
    assert response.headers.get("X-Content-Type-Options") == "nosniff", where
    assert response.headers.get("Referrer-Policy") == "same-origin", where
    assert response.headers.get("X-Frame-Options") == "DENY", where
    assert "Server" not in response.headers, where
    assert not any(h.lower().startswith("x-powered") for h in response.headers), where


def test_the_policy_itself_is_strict() -> None:
    assert set(csp_directives(CONTENT_SECURITY_POLICY)) >= {
        "default-src",
        "script-src",
        "style-src",
        "frame-ancestors",
    }


def test_every_url_has_strict_headers_and_no_external_host(db: Any, monkeypatch: Any) -> None:
    monkeypatch.setenv("MUTUALAID_RATE_INVITATION_CREATE", "1000/h")
    world = build_world()
    checked = 0
    for role in ROLES:
        for route in ROUTES:
            client = Client()
            headers = {}
            if role != "anonymous":
                if route.api:
                    from tests.access import api_token

                    headers = {"Authorization": f"Bearer {api_token(world, role)}"}
                else:
                    client.force_login(world.users[role], backend="django.contrib.auth.backends.ModelBackend")
            url = reverse(route.name, kwargs=route.kwargs(world))
            if route.method == "GET":
                response = client.get(url, route.data(world), headers=headers)
            else:
                body = json.dumps(route.data(world)) if route.api else route.data(world)
                kind = "application/json" if route.api else None
                response = (
                    client.generic(route.method, url, body, content_type=kind, headers=headers)
                    if route.api
                    else client.post(url, body)
                )
            where = f"{route.key} as {role}"
            assert_strict_headers(response, where)
            checked += 1
            if (
                response.status_code == 200
                and response["Content-Type"].startswith("text/html")
                and not route.name.startswith("admin:")
            ):
                html = response.content.decode()
                assert not EXTERNAL.findall(html), (
                    f"{where}: external link or source {EXTERNAL.findall(html)}"
                )
                assert not INLINE_SCRIPT.findall(html), f"{where}: inline script"
                assert not INLINE_STYLE.findall(html), f"{where}: inline style or event handler"
    assert checked == len(ROUTES) * len(ROLES)


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
