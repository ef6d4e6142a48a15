"""`mutualaid keys show|rotate|reencrypt|retire`: manage the field-encryption key ring."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mutualaid.core import keys
from mutualaid.core.encryption import KeyRingError, key_file, keyring_from_environment, load_keyring


class Command(BaseCommand):
    help = "Show, rotate or retire the keys that seal contact details, addresses and notes."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        init = sub.add_parser(
            "init", help="Generate a new key ring once per install (--file F or --print-env)."
        )
        where = init.add_mutually_exclusive_group(required=True)
        where.add_argument("--file", help="write it to this new file (mode 600), for MUTUALAID_KEY_FILE")
        where.add_argument("--print-env", action="store_true", help="print MUTUALAID_KEYRING='…' on one line")
        sub.add_parser("show", help="Print key ids (never keys) and how many values each seals.")
        rotate = sub.add_parser("rotate", help="Add a new primary key and re-seal every value with it.")
        rotate.add_argument("--batch-size", type=int, default=500)
        rotate.add_argument(
            "--output",
            help="With MUTUALAID_KEYRING: write the new key ring to this file instead (then reencrypt).",
        )
        again = sub.add_parser(
            "reencrypt", help="Finish an interrupted rotation: re-seal values under old keys."
        )
        again.add_argument("--batch-size", type=int, default=500)
        sub.add_parser("retire", help="Drop keys that seal no stored value (old backups lose those fields).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except KeyRingError as exc:
            raise CommandError(str(exc)) from None

    def _init(self, options: dict[str, Any]) -> None:
        from mutualaid.core.provisioning import keys_init

        argv = ["--print-env"] if options["print_env"] else ["--file", options["file"]]
        if keys_init(argv, self.stdout, self.stderr):
            raise CommandError("No key ring was written.")

    def _show(self, options: dict[str, Any]) -> None:
        ring = load_keyring()
        if ring is None:
            raise CommandError("The key ring was destroyed (mutualaid panic).")
        source = "MUTUALAID_KEYRING" if keyring_from_environment() else str(key_file())
        usage = keys.key_usage()
        self.stdout.write(f"key ring: {source}")
        for kid in sorted(ring.keys):
            marker = " (primary)" if kid == ring.primary else ""
            self.stdout.write(f"  {kid}{marker}: seals {usage.get(kid, 0)} values")
        unknown = sum(n for kid, n in usage.items() if kid not in ring.keys)
        if unknown:
            self.stdout.write(self.style.WARNING(f"  {unknown} values are sealed with keys not in this ring"))

    def _rotate(self, options: dict[str, Any]) -> None:
        if keyring_from_environment():
            if not options["output"]:
                raise CommandError(
                    "The key ring comes from MUTUALAID_KEYRING. Run `mutualaid keys rotate --output FILE`, put the "
                    "file's content in MUTUALAID_KEYRING on every server, restart them, then run "
                    "`mutualaid keys reencrypt`."
                )
            ring = load_keyring()
            assert ring is not None
            from mutualaid.core.env import write_private_file

            write_private_file(Path(options["output"]), ring.with_new_primary().to_json())
            self.stdout.write(f"Wrote a new key ring to {options['output']}.")
            return
        ring = keys.keyring_rotate()
        self.stdout.write(f"New primary key {ring.primary}. Re-sealing every value with it…")
        self._reencrypt(options)

    def _reencrypt(self, options: dict[str, Any]) -> None:
        report = keys.reencrypt_all(
            batch_size=options["batch_size"],
            progress=lambda label, done: self.stdout.write(f"  {label}: {done}"),
        )
        self.stdout.write(f"Re-sealed {report.resealed} values.")
        if report.unreadable:
            self.stdout.write(
                self.style.WARNING(f"{report.unreadable} values could not be read and were left as they are.")
            )

    def _retire(self, options: dict[str, Any]) -> None:
        retired = keys.keyring_retire_unused()
        self.stdout.write(f"Retired keys: {', '.join(retired) if retired else 'none'}")
