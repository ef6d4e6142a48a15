"""The demo network: a fictional neighbourhood to try mutualaid with. Loading it twice changes nothing."""

from __future__ import annotations

from mutualaid.core.demo import DEMO_PASSWORD
from mutualaid.core.registry import demo_loaders

__all__ = ["DEMO_PASSWORD", "load_demo"]


def load_demo() -> list[tuple[str, str, str]]:
    """Load every domain's demo content; returns (username, display name, roles) for the login list."""
    logins: list[tuple[str, str, str]] = []
    for loader in demo_loaders():  # in app order: groups and members exist before the domains' content
        result = loader()
        if result:
            logins.extend(result)
    return logins
