"""Typed readers for configuration from the environment.

Every setting mutualaid reads is listed in the README with its default. A malformed value stops the
process at start-up with a message that names the variable, rather than surfacing later as an odd bug.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path


class ConfigError(RuntimeError):
    pass


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, not {value}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


def data_dir() -> Path:
    """``MUTUALAID_DATA_DIR``, else ``./data``, created (mode 700) if missing.

    The default is refused inside the package's own folder: a catalogue step run from an app's folder
    (README, Translations) would otherwise write a secret key and a database into the source tree.
    """
    given = os.environ.get("MUTUALAID_DATA_DIR")
    path = Path(given or "data").expanduser().resolve()
    if not given and path.is_relative_to(Path(__file__).resolve().parents[1]):
        raise ConfigError(
            "MUTUALAID_DATA_DIR is not set and the current folder is inside mutualaid's source: set it "
            "(e.g. MUTUALAID_DATA_DIR=$(mktemp -d)) so no secret key is written into the source tree"
        )
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def write_private_file(path: Path, content: str) -> None:
    """Create `path` readable by its owner only, without a window in which it is world-readable."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(content)


def secret_key(directory: Path) -> str:
    """SECRET_KEY from the environment, else from the data dir, generated there on first run."""
    given = os.environ.get("SECRET_KEY") or os.environ.get("MUTUALAID_SECRET_KEY")
    if given:
        return given
    path = directory / "secret_key"
    if not path.exists():
        # Another process may create it between our check and our write: theirs wins.
        with contextlib.suppress(FileExistsError):
            write_private_file(path, secrets.token_urlsafe(50))
    return path.read_text().strip()
