from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import CommandParser

from mutualaid.config.management.commands.serve import Command as Serve


class Command(Serve):
    help = "Create the database if needed, load the demo network, and serve it on 127.0.0.1:8000."

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--no-serve", action="store_true", help="Load the demo network and exit.")

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
        if not options["no_serve"]:
            super().handle(*args, **options)
