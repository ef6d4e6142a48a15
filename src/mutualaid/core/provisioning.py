"""Secrets an operator generates once per install (`mutualaid secret-key`, `mutualaid keys init`).

Nothing here touches settings, the data dir or the database, so the commands run before anything is
configured, e.g. from `scripts/install` while it writes /etc/mutualaid/mutualaid.env."""

from __future__ import annotations

import argparse
import secrets
import sys
from pathlib import Path
from typing import Any, Protocol

from mutualaid.core.encryption import KeyRing


class Writer(Protocol):
    def write(self, text: str, /) -> Any: ...


def new_secret_key() -> str:
    """A Django SECRET_KEY: 67 URL-safe characters, nothing an environment file must quote."""
    return secrets.token_urlsafe(50)


def keyring_env_line(ring: KeyRing) -> str:
    """`MUTUALAID_KEYRING='…'` on one line. Single quotes keep the JSON's double quotes intact both for
    systemd's EnvironmentFile= and for `set -a; . file` in a shell."""
    return f"MUTUALAID_KEYRING='{ring.to_json(one_line=True)}'"


def keys_init(argv: list[str], out: Writer = sys.stdout, err: Writer = sys.stderr) -> int:
    parser = argparse.ArgumentParser(
        prog="mutualaid keys init",
        description="Generate a new field-encryption key ring. Run it once per install; every host gets a copy.",
    )
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument(
        "--file", help="write the key ring to this new file (mode 600), for MUTUALAID_KEY_FILE"
    )
    where.add_argument(
        "--print-env",
        action="store_true",
        help="print one line MUTUALAID_KEYRING='…' to append to an environment file",
    )
    args = parser.parse_args(argv)
    ring = KeyRing.generate()
    if args.print_env:
        out.write(keyring_env_line(ring) + "\n")
        return 0
    from mutualaid.core.env import write_private_file

    path = Path(args.file)
    try:
        write_private_file(path, ring.to_json() + "\n")
    except FileExistsError:
        err.write(f"{path} exists: a key ring is never overwritten (the data it seals would be lost).\n")
        return 1
    except OSError as exc:
        err.write(f"Cannot write {path}: {exc.strerror}.\n")
        return 1
    out.write(f"Wrote a new key ring to {path} (mode 600). Set MUTUALAID_KEY_FILE={path.resolve()}.\n")
    return 0


def secret_key_command(argv: list[str], out: Writer = sys.stdout) -> int:
    parser = argparse.ArgumentParser(
        prog="mutualaid secret-key",
        description="Print a new SECRET_KEY. Give the same value to every app server and worker.",
    )
    parser.add_argument("--env", action="store_true", help="print SECRET_KEY=… for an environment file")
    args = parser.parse_args(argv)
    key = new_secret_key()
    out.write((f"SECRET_KEY={key}" if args.env else key) + "\n")
    return 0
