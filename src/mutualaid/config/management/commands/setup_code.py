"""`mutualaid setup-code`: show a new first-run setup code (the previous one stops working)."""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from mutualaid.groups.services import SETUP_CODE_LIFETIME, setup_code_ensure, setup_code_issue


def setup_address(bind: str) -> str:
    """Where the operator opens the setup page: the public address when MUTUALAID_PUBLIC_URL is set
    (the app server's own address answers 400 under production host settings)."""
    public = os.environ.get("MUTUALAID_PUBLIC_URL", "").strip().rstrip("/")
    return f"{public}/setup/" if public else f"http://{bind}/setup/"


def setup_banner(bind: str) -> str | None:
    """What `mutualaid serve` prints at start on an install that is not set up yet, or None."""
    code, pending = setup_code_ensure()
    hours = int(SETUP_CODE_LIFETIME.total_seconds() // 3600)
    if code:
        return (
            f"\nThis server is not set up yet. Open {setup_address(bind)} and enter the setup code:\n\n"
            f"    {code}\n\nThe code works once, on every app server, for {hours} hours; "
            "`mutualaid setup-code` shows a new one.\n"
        )
    if pending is not None:
        return (
            f"\nThis server is not set up yet. A setup code was issued at {pending.created_at:%Y-%m-%d %H:%M} UTC "
            f"and still works: open {setup_address(bind)}. Lost it? `mutualaid setup-code` shows a new one.\n"
        )
    return None


class Command(BaseCommand):
    help = "Show a new one-time code for the first-run setup page; the previous code stops working."

    def handle(self, *args: Any, **options: Any) -> None:
        code = setup_code_issue()
        if code is None:
            raise CommandError("This install is set up already; it needs no setup code.")
        bind = os.environ.get("MUTUALAID_BIND", "127.0.0.1:8000")
        hours = int(SETUP_CODE_LIFETIME.total_seconds() // 3600)
        self.stdout.write(
            f"Open {setup_address(bind)} and enter the setup code:\n\n    {code}\n\n"
            f"It works once, on every app server, for {hours} hours. Earlier codes no longer work."
        )
