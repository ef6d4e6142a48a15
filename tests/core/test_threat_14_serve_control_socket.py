"""THREATS.md property 14 for `mutualaid serve`: gunicorn's control socket (one path under the home
directory, shared by every instance by default) is disabled, so two servers cannot take over each other."""

from __future__ import annotations

from typing import Any

from gunicorn.app.base import BaseApplication

from mutualaid.config.management.commands.serve import serve


def test_serve_runs_gunicorn_without_a_control_socket(monkeypatch: Any, db: Any) -> None:
    seen: dict[str, Any] = {}

    def run(app: BaseApplication) -> None:
        seen["control_socket_disable"] = app.cfg.settings["control_socket_disable"].value
        seen["bind"] = app.cfg.settings["bind"].value

    monkeypatch.setattr(BaseApplication, "run", run)
    serve(bind="127.0.0.1:8765", workers=1, threads=1)
    assert seen == {"control_socket_disable": True, "bind": ["127.0.0.1:8765"]}


def test_serve_recycles_gunicorn_processes_after_a_bounded_number_of_requests(
    monkeypatch: Any, db: Any
) -> None:
    """A slow leak in a long-lived process is bounded: each process is replaced after about 1000
    requests (± a tenth, so they do not all restart at once); MUTUALAID_WEB_MAX_REQUESTS sets it."""
    from mutualaid.config.management.commands import serve as command

    seen: list[tuple[int, int]] = []

    def run(app: BaseApplication) -> None:
        seen.append((app.cfg.settings["max_requests"].value, app.cfg.settings["max_requests_jitter"].value))

    monkeypatch.setattr(BaseApplication, "run", run)
    serve(bind="127.0.0.1:8765", workers=1, threads=1)
    serve(bind="127.0.0.1:8765", workers=1, threads=1, max_requests=0)
    assert seen == [(1000, 100), (0, 0)]
    parser = command.Command().create_parser("mutualaid", "serve")
    assert parser.parse_args([]).max_requests == 1000
    monkeypatch.setenv("MUTUALAID_WEB_MAX_REQUESTS", "250")
    parser = command.Command().create_parser("mutualaid", "serve")
    assert parser.parse_args([]).max_requests == 250
    assert command.recycling(250) == {"max_requests": 250, "max_requests_jitter": 25}
