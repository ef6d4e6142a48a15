"""The environment readers live in `mutualaid.core.env` (the ground floor); this name stays for
settings files and deployments that import it."""

from mutualaid.core.env import (
    ConfigError,
    data_dir,
    env_bool,
    env_int,
    env_list,
    env_str,
    secret_key,
    write_private_file,
)

__all__ = [
    "ConfigError",
    "data_dir",
    "env_bool",
    "env_int",
    "env_list",
    "env_str",
    "secret_key",
    "write_private_file",
]
