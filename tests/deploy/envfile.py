"""The shipped environment file (deploy/mutualaid.env.example), read as systemd and the shell read it."""

from __future__ import annotations

import os
from pathlib import Path

import mutualaid

ROOT = Path(mutualaid.__file__).resolve().parents[2]
ENV_EXAMPLE = ROOT / "deploy" / "mutualaid.env.example"


def parse_env_file(text: str) -> dict[str, str]:
    """KEY=VALUE lines; `#` lines are comments; one pair of surrounding single or double quotes is removed."""
    values: dict[str, str] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, _, value = line.partition("=")
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key.strip()] = value
    return values


def production_env(data_dir: Path, **overrides: str) -> dict[str, str]:
    """A clean process environment: this machine's PATH etc., no MUTUALAID_*/DJANGO_* leftovers, then the
    shipped production file with new secrets (as scripts/install writes them) and a private data dir.
    SQLite stands in for PostgreSQL unless DATABASE_URL is given in `overrides`."""
    from mutualaid.core.encryption import KeyRing
    from mutualaid.core.provisioning import new_secret_key

    env = {k: v for k, v in os.environ.items() if not k.startswith(("MUTUALAID_", "DJANGO_", "DATABASE_URL"))}
    shipped = parse_env_file(ENV_EXAMPLE.read_text(encoding="utf-8"))
    shipped["SECRET_KEY"] = new_secret_key()
    shipped["MUTUALAID_KEYRING"] = KeyRing.generate().to_json(one_line=True)
    shipped["MUTUALAID_DATA_DIR"] = str(data_dir)
    shipped.pop("DATABASE_URL")
    env.update(shipped)
    env.update(overrides)
    return env
