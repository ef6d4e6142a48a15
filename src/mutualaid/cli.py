"""The `mutualaid` command: the server's own commands, and every Django management command.

`mutualaid demo`, `serve`, `worker`, `migrate`, `check`, `setup-code`, `secret-key`, `keys`, `import`,
`export`, `match`, `route`, `backup`, `restore` and `panic` are mutualaid's; anything else (`shell`,
`createsuperuser`, …) is passed to Django with the
same settings and data dir as the server.
"""

from __future__ import annotations

import os
import sys
from collections.abc import MutableMapping

# The demo network lives in Brooklyn: its days (a delivery run's day, when a driver sees addresses,
# reminders) turn at New York's midnight, not at UTC's (19:00 there), unless the operator chose a zone.
DEMO_TIME_ZONE = "America/New_York"


def demo_environment(environ: MutableMapping[str, str]) -> None:
    """What `mutualaid demo` sets unless the environment already says otherwise."""
    # A demo has nobody's real data; coordinators try it without setting up an authenticator.
    environ.setdefault("MUTUALAID_REQUIRE_COORDINATOR_MFA", "false")
    environ.setdefault("MUTUALAID_TIME_ZONE", DEMO_TIME_ZONE)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutualaid.config.settings")
    # Everything mutualaid writes (database, keys, backups) is for the operator's eyes only.
    os.umask(0o077)
    if argv and argv[0] in {"seized-report", "setup-code"}:
        argv[0] = argv[0].replace("-", "_")  # Django command modules cannot carry a dash in their name
    # Secrets are generated before anything is configured: no settings, data dir or database.
    if argv and argv[0] == "secret-key":
        from mutualaid.core.provisioning import secret_key_command

        return secret_key_command(argv[1:])
    if argv[:2] == ["keys", "init"]:
        from mutualaid.core.provisioning import keys_init

        return keys_init(argv[2:])
    if argv and argv[0] == "match":
        # The engine is pure Python: no settings, no database, just the instance file.
        from mutualaid.matching.command import run

        return run(argv[1:], sys.stdout, sys.stderr)
    if argv and argv[0] == "route":
        # The delivery planner is pure Python too: no settings, no database.
        from mutualaid.deliveries.routing.command import run as route

        return route(argv[1:], sys.stdout, sys.stderr)
    if argv and argv[0] == "check":
        # The operator's own settings, as the app servers will read them: nothing is forced here, so a
        # missing MUTUALAID_HTTPS fails the check (core.checks names the variable to set).
        argv = ["check", "--deploy", "--fail-level", "WARNING", *argv[1:]]
    if argv and argv[0] == "demo":
        demo_environment(os.environ)
    import django
    from django.core.management import execute_from_command_line

    django.setup()
    execute_from_command_line(["mutualaid", *argv] if argv else ["mutualaid", "help"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
