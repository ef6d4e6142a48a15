"""The strict-header and same-origin checks of THREATS.md property 13, applied to every response of the
access-matrix walk (tests/test_access_matrix.py: every route as every role, on both databases) and to the
error pages and sources in tests/core/test_threat_13_headers.py."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

SRC = Path(__file__).resolve().parents[1] / "src" / "mutualaid"
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


def assert_same_origin_page(response: Any, where: str) -> None:
    """An HTML page links, loads and posts only within the site, with no inline script, style or handler."""
    html = response.content.decode()
    assert not EXTERNAL.findall(html), f"{where}: external link or source {EXTERNAL.findall(html)}"
    assert not INLINE_SCRIPT.findall(html), f"{where}: inline script"
    assert not INLINE_STYLE.findall(html), f"{where}: inline style or event handler"
