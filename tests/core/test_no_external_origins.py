"""Pages load nothing from outside (DESIGN.md principle 3, THREATS.md property 13)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import mutualaid
from mutualaid.core.middleware import CONTENT_SECURITY_POLICY

PACKAGE = Path(mutualaid.__file__).parent
EXTERNAL = re.compile(r"""(?:src|href|action|srcset|poster|data)\s*=\s*["']?\s*(?:https?:)?//""", re.I)
CSS_EXTERNAL = re.compile(r"""url\(\s*["']?(?:https?:)?//|@import\s+["']?(?:https?:)?//""", re.I)


def test_no_template_or_stylesheet_references_an_external_origin() -> None:
    offenders = []
    for path in list(PACKAGE.rglob("templates/**/*.html")) + list(PACKAGE.rglob("static/**/*.css")):
        text = path.read_text(encoding="utf-8")
        for pattern in (EXTERNAL, CSS_EXTERNAL):
            offenders += [f"{path.relative_to(PACKAGE)}: {m.group(0)}" for m in pattern.finditer(text)]
    assert not offenders, offenders


def test_no_inline_scripts_or_styles_in_templates() -> None:
    offenders = []
    for path in PACKAGE.rglob("templates/**/*.html"):
        text = path.read_text(encoding="utf-8")
        if (
            re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text)
            or re.search(r"\sstyle\s*=", text)
            or re.search(r"\son[a-z]+\s*=", text)
        ):
            offenders.append(str(path.relative_to(PACKAGE)))
    assert not offenders, offenders


def test_csp_names_no_external_host_and_no_unsafe_sources() -> None:
    assert "http" not in CONTENT_SECURITY_POLICY and "unsafe" not in CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY


def test_rendered_pages_reference_no_external_origin(ada: Any, ben: Any, client_for: Any) -> None:
    pages = [
        "/",
        "/directory/?q=11216",
        "/g/crown/",
        "/g/crown/invitations/",
        "/g/crown/members/",
        "/g/crown/edit/",
        "/me/",
        "/me/tokens/",
        "/accounts/login/",
        "/accounts/2fa/",
        "/accounts/password/change/",
    ]
    for user in (None, ada):
        client = client_for(user)
        for path in pages:
            response = client.get(path, follow=True)
            body = response.content.decode()
            found = EXTERNAL.findall(body)
            assert not found, f"{path}: {found}"
            assert "unsafe-inline" not in response.headers.get("Content-Security-Policy", "")


def test_pages_stay_under_the_weight_budget(ada: Any, client_for: Any) -> None:
    """At most 30 KB gzip per page, HTML + CSS + JS together (DESIGN.md principle 3)."""
    import gzip

    from django.contrib.staticfiles import finders

    assets = sum(
        len(gzip.compress(Path(finders.find(p)).read_bytes())) for p in ("core/site.css", "core/enhance.js")
    )
    client = client_for(ada)
    for path in ["/", "/directory/?q=11216", "/g/crown/", "/g/crown/members/", "/g/crown/edit/"]:
        html = client.get(path).content
        total = len(gzip.compress(html)) + assets
        assert total <= 30 * 1024, f"{path}: {total} bytes gzip"
