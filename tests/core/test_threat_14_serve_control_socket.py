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
