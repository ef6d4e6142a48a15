from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import CommandParser

from mutualaid.config.management.commands.serve import Command as Serve


def worker_command() -> list[str]:
    return [sys.executable, "-m", "mutualaid.cli", "worker"]


def _die_with_parent() -> None:
    # Linux: the worker gets SIGTERM when the demo process ends, even if the demo is killed outright.
    # Elsewhere (no libc.so.6) the demo's `finally` still stops it on a normal exit.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def demo_public_url(bind: str) -> str:
    """The address the demo answers on, for the links in its texts and e-mails and its federation ids
    (without MUTUALAID_PUBLIC_URL they were "/g/…" with no host, and "http://localhost")."""
    host, _sep, port = bind.rpartition(":")
    if host in {"", "0.0.0.0", "[::]", "::"}:  # noqa: S104 (a bind address read, not one listened on)
        host = "127.0.0.1"
    return f"http://{host}:{port}"


def start_worker() -> subprocess.Popen[bytes]:
    """A background worker in the demo's own process tree, so texts and e-mails go out in the demo."""
    return subprocess.Popen(worker_command(), preexec_fn=_die_with_parent)  # noqa: S603 (our own interpreter)


def stop_worker(worker: subprocess.Popen[bytes]) -> None:
    if worker.poll() is None:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


class Command(Serve):
    help = (
        "Create the database if needed, load the demo network, and serve it on 127.0.0.1:8000 with a "
        "background worker (texts, e-mails, reminders) that stops with it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--no-serve", action="store_true", help="Load the demo network and exit.")
        parser.add_argument("--no-worker", action="store_true", help="Serve without a background worker.")

    def handle(self, *args: Any, **options: Any) -> None:
        from mutualaid.demo import DEMO_PASSWORD, load_demo

        call_command("migrate", interactive=False, verbosity=0)
        logins = load_demo()
        self.stdout.write(
            self.style.SUCCESS(
                f"\nThe demo network is loaded. Log in as any of these (password for all: {DEMO_PASSWORD}):\n"
            )
        )
        for username, display, roles in logins:
            self.stdout.write(f"    {username:<10} {display:<10} {roles}")
        self.stdout.write(
            "\nDemo mode: coordinators are not asked for a second factor. Never use demo mode for real.\n"
        )
        if options["no_serve"]:
            return
        # Set before the worker and the server start, so both build the same links; an operator's own
        # MUTUALAID_PUBLIC_URL wins.
        os.environ.setdefault("MUTUALAID_PUBLIC_URL", demo_public_url(options["bind"]))
        worker = None if options["no_worker"] else start_worker()
        if worker is not None:
            self.stdout.write("A background worker runs with the server (--no-worker to skip).")
        try:
            super().handle(*args, **options)
        finally:
            if worker is not None:
                stop_worker(worker)
