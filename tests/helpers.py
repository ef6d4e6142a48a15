"""Helpers shared by every domain's tests (fixtures live in `tests/conftest.py`)."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

from django.test.utils import CaptureQueriesContext

# Two points about 1 km apart in Crown Heights (snapped to coarse cells by the board).
HERE = {"lat": 40.6712, "lon": -73.9448}
NEAR = {"lat": 40.6650, "lon": -73.9500}

# What is random in a page, a row or a document: a short word checked absent from it would be found there
# now and then by chance (a 3-letter name turns up in one sealed 300-character value in a thousand).
SEALED_VALUE = re.compile(r"\bv1:[A-Za-z0-9_.-]+:[A-Za-z0-9_=-]+")
FORM_TOKEN = re.compile(r'(name="csrfmiddlewaretoken"\s+value=")[^"]*"')
PEM_BLOCK = re.compile(r"-----BEGIN [A-Z ]+-----.*?-----END [A-Z ]+-----", re.S)


def without_random(text: str) -> str:
    """The text with its random parts blanked (sealed values, CSRF form tokens, PEM keys), so a test can
    say a short word is absent. A sealed value is blanked whole: a word that shows is in the clear."""
    text = SEALED_VALUE.sub("v1:sealed", text)
    text = FORM_TOKEN.sub(r'\1"', text)
    return PEM_BLOCK.sub("-----PEM-----", text)


def make_post(
    group: Any,
    author: Any,
    title: str = "Two bags of groceries",
    kind: str = "need",
    *,
    place: dict[str, float] | None = None,
    **extra: Any,
) -> Any:
    """A post on `group`'s board through the real service (food by default; `place` gives it a location,
    e.g. HERE or NEAR; without one it has none)."""
    from mutualaid.exchange import services

    extra.setdefault("category", "food")
    return services.post_create(
        group=group, author=author, data=services.PostInput(kind=kind, title=title, **(place or {}), **extra)
    )


@contextmanager
def assert_query_count(expected: int) -> Iterator[CaptureQueriesContext]:
    """Exactly `expected` queries run inside the block (Zulip-style: a count that changes, up or down,
    fails and lists the queries, so the new number is a decision, not a drift)."""
    from django.db import connection

    with CaptureQueriesContext(connection) as captured:
        yield captured
    if len(captured) != expected:
        listing = "\n".join(f"{n}. {query['sql']}" for n, query in enumerate(captured.captured_queries, 1))
        raise AssertionError(f"{len(captured)} queries, expected {expected}:\n{listing}")


def run_on_file(
    run: Callable[[list[str], TextIO, TextIO], int], tmp_path: Path, text: str
) -> tuple[int, str, str]:
    """A solver command's `run(argv, stdout, stderr)` on `text` written to a file: exit code, stdout, stderr."""
    path = tmp_path / "instance.json"
    path.write_text(text, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    code = run([str(path)], out, err)
    return code, out.getvalue(), err.getvalue()
