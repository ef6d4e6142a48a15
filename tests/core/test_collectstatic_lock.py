"""App servers sharing a data directory take turns collecting static files."""

from __future__ import annotations

import fcntl
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from mutualaid.config.management.commands import serve


def test_collectstatic_runs_under_an_exclusive_lock(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[bool] = []

    def fake_collect(*args: Any, **kwargs: Any) -> None:
        # Another app server trying to take the lock now must not get it.
        with open(Path(settings.STATIC_ROOT).parent / ".collectstatic.lock", "a") as other:
            try:
                fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                seen.append(True)
            else:
                fcntl.flock(other, fcntl.LOCK_UN)
                seen.append(False)

    monkeypatch.setattr(serve, "call_command", fake_collect)
    serve.collect_static()

    assert seen == [True]
    # and it is released afterwards
    with open(Path(settings.STATIC_ROOT).parent / ".collectstatic.lock", "a") as after:
        fcntl.flock(after, fcntl.LOCK_EX | fcntl.LOCK_NB)


def test_a_second_start_with_the_same_files_does_not_rewrite_them(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Django rewrites a processed file by deleting and saving it; an app server already serving, or one
    # indexing STATIC_ROOT, saw files vanish when another server started. Unchanged files: no rewrite.
    monkeypatch.setattr(settings, "STATIC_ROOT", str(tmp_path / "static"))
    (tmp_path / "static").mkdir()
    runs: list[int] = []

    def fake_collect(*args: Any, **kwargs: Any) -> None:
        runs.append(1)
        (tmp_path / "static" / "staticfiles.json").write_text("{}")

    monkeypatch.setattr(serve, "call_command", fake_collect)
    serve.collect_static()
    serve.collect_static()
    assert runs == [1]

    # A changed shipped file (here: a different fingerprint) collects again.
    monkeypatch.setattr(serve, "static_fingerprint", lambda: "changed")
    serve.collect_static()
    assert runs == [1, 1]
