"""`mutualaid demo` runs a background worker in its own process tree, stopped with it (issue 11)."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management import call_command


def _fake_worker(monkeypatch: Any) -> list[Any]:
    from mutualaid.config.management.commands import demo, serve

    started: list[Any] = []
    real_start = demo.start_worker

    def start() -> Any:
        started.append(real_start())
        return started[-1]

    monkeypatch.setattr(demo, "worker_command", lambda: [sys.executable, "-c", "import time; time.sleep(60)"])
    monkeypatch.setattr(demo, "start_worker", start)
    monkeypatch.setattr(serve, "call_command", lambda *a, **kw: None)  # collectstatic: not what is tested
    return started


def test_demo_serves_with_a_worker_that_stops_with_it(db: Any, monkeypatch: Any) -> None:
    from mutualaid.config.management.commands import serve

    started = _fake_worker(monkeypatch)
    alive_while_serving: list[bool] = []
    monkeypatch.setattr(serve, "serve", lambda **kw: alive_while_serving.append(started[0].poll() is None))
    call_command("demo")
    assert alive_while_serving == [True]
    assert started[0].poll() is not None  # stopped when the server stopped


def test_the_worker_stops_even_when_the_server_fails(db: Any, monkeypatch: Any) -> None:
    import pytest

    from mutualaid.config.management.commands import serve

    started = _fake_worker(monkeypatch)

    def crash(**kw: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(serve, "serve", crash)
    with pytest.raises(KeyboardInterrupt):
        call_command("demo")
    assert started[0].poll() is not None


def test_no_worker(db: Any, monkeypatch: Any) -> None:
    from mutualaid.config.management.commands import serve

    started = _fake_worker(monkeypatch)
    monkeypatch.setattr(serve, "serve", lambda **kw: None)
    call_command("demo", "--no-worker")
    assert started == []


def test_the_demo_links_to_where_it_answers(db: Any, monkeypatch: Any) -> None:
    """Texts and e-mails the demo sends carried links without a host ("/g/…"), and its federation ids
    named http://localhost: the demo now sets MUTUALAID_PUBLIC_URL to its bind address unless set."""
    from mutualaid.channels.notifications import absolute
    from mutualaid.config.management.commands import demo, serve
    from mutualaid.federation.conf import base_url

    seen: list[tuple[str, str]] = []
    monkeypatch.setenv("MUTUALAID_PUBLIC_URL", "")  # restored (unset) after the test, whatever demo sets
    monkeypatch.delenv("MUTUALAID_PUBLIC_URL")
    monkeypatch.setattr(serve, "call_command", lambda *a, **kw: None)
    monkeypatch.setattr(serve, "serve", lambda **kw: seen.append((absolute("/g/x/"), base_url())))
    call_command("demo", "--no-worker", "--bind", "127.0.0.1:8765")
    assert seen == [("http://127.0.0.1:8765/g/x/", "http://127.0.0.1:8765")]
    assert demo.demo_public_url("0.0.0.0:8000") == "http://127.0.0.1:8000"
    monkeypatch.setenv("MUTUALAID_PUBLIC_URL", "https://aid.example.org")
    call_command("demo", "--no-worker")
    assert seen[-1] == ("https://aid.example.org/g/x/", "https://aid.example.org")
