"""The demo network: a fictional neighbourhood to try mutualaid with. Loading it twice changes nothing."""

from __future__ import annotations

from importlib import import_module

# Each domain adds its own demo content after the groups and members exist.
LOADERS = [
    "mutualaid.groups.demo.load",
    "mutualaid.exchange.demo.load",
    "mutualaid.channels.demo.load",
    "mutualaid.funds.demo.load",
    "mutualaid.matching.demo.load",
]

DEMO_PASSWORD = "solidarity-forever-2026"  # noqa: S105 - printed on purpose for the demo


def load_demo() -> list[tuple[str, str, str]]:
    """Load every domain's demo content; returns (username, display name, roles) for the login list."""
    logins: list[tuple[str, str, str]] = []
    for path in LOADERS:
        module_name, func = path.rsplit(".", 1)
        result = getattr(import_module(module_name), func)()
        if result:
            logins.extend(result)
    return logins
