"""Page weight for real (issue 11): static files hashed, precompressed (gzip and Brotli) and cached as
immutable; HTML compressed; the one script only on pages that use it."""

from __future__ import annotations

import gzip
import re
from pathlib import Path
from typing import Any

import brotli
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import Client


def test_collected_files_are_hashed_precompressed_and_immutable(settings: Any, tmp_path: Path) -> None:
    from django.contrib.staticfiles.storage import staticfiles_storage

    settings.STATIC_ROOT = tmp_path
    call_command("collectstatic", interactive=False, verbosity=0)
    url = staticfiles_storage.url("core/site.css")
    assert re.fullmatch(r"/static/core/site\.[0-9a-f]{12}\.css", url), url
    collected = tmp_path / url.removeprefix("/static/")
    assert Path(f"{collected}.br").exists() and Path(f"{collected}.gz").exists()
    client = Client()
    assert url in client.get("/").content.decode()
    response = client.get(url, headers={"accept-encoding": "gzip, br"})
    assert response["Content-Encoding"] == "br"
    assert "immutable" in response["Cache-Control"] and "max-age=315360000" in response["Cache-Control"]
    original = Path(str(finders.find("core/site.css"))).read_bytes()
    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert brotli.decompress(body) == original


def test_before_collectstatic_pages_still_render_with_plain_names(client: Any) -> None:
    assert 'href="/static/core/site.css"' in client.get("/").content.decode()


def test_html_is_compressed(client: Any) -> None:
    response = client.get("/directory/", headers={"accept-encoding": "gzip"})
    assert response["Content-Encoding"] == "gzip"
    assert b"Find a group near you" in gzip.decompress(response.content)


def test_the_script_loads_only_where_a_form_uses_it(client: Any, crown: Any) -> None:
    assert "enhance.js" not in client.get("/").content.decode()
    directory = client.get("/directory/").content.decode()
    assert "enhance.js" in directory and 'data-swap="results"' in directory
    assert "htmx" not in directory


def test_api_answers_are_not_compressed(api_for: Any, ben: Any) -> None:
    response = api_for(ben).get("/api/v1/me/tokens", headers={"accept-encoding": "gzip"})
    assert response.status_code == 200 and "Content-Encoding" not in response
