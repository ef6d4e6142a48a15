"""The vocabulary of the access-control matrix (THREATS.md property 8).

Each domain lists its routes in `tests/<app>/access_matrix.py` as `ROUTES`, and may add objects to the
shared world with `build(world)`. `tests/test_access_matrix.py` walks every URL pattern and API
operation of the project and fails when one is missing from the matrix.

An expectation is one code per role, in the order of ROLES:
  anonymous · eve (account in no group) · cy (member of the other group) · ben (member) · ada (coordinator)

  ok    success: 2xx, or a redirect that is not to the login page
  login redirect to the login page
  401   unauthenticated (API)      403 forbidden      404 not found (hides existence)
  410   gone (e.g. an invitation that cannot be used)   405 method not allowed
  any   not checked beyond "no server error" (third-party pages)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

ROLES = ("anonymous", "eve", "cy", "ben", "ada")


@dataclass
class World:
    """Objects every route may refer to, built once for the whole matrix (cases roll back their writes)."""

    users: dict[str, Any]
    crown: Any
    bush: Any
    objects: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["objects"][name]
        except KeyError:
            raise AttributeError(name) from None


@dataclass(frozen=True)
class Route:
    name: str  # URL name, e.g. "members" or "api:group_members"
    expect: str  # codes per role, space-separated, in ROLES order
    method: str = "GET"
    kwargs: Callable[[World], dict[str, Any]] = lambda w: {}
    data: Callable[[World], dict[str, Any]] = lambda w: {}
    api: bool = False  # send the role's bearer token instead of a session
    variant: str = ""  # distinguishes two entries for one URL name (e.g. GET and POST)

    @property
    def key(self) -> str:
        return f"{self.method} {self.name}{'#' + self.variant if self.variant else ''}"

    def codes(self) -> dict[str, str]:
        parts = self.expect.split()
        assert len(parts) == len(ROLES), f"{self.key}: expected {len(ROLES)} codes, got {parts}"
        return dict(zip(ROLES, parts, strict=True))


def crown_slug(w: World) -> dict[str, Any]:
    return {"slug": w.crown.slug}


def api_token(world: World, role: str) -> str:
    """One personal access token per role and world: walks over every route would otherwise hit the
    20-active-tokens limit a member has."""
    key = f"api_token_{role}"
    if key not in world.objects:
        from mutualaid.members.services import access_token_create

        world.objects[key] = access_token_create(user=world.users[role], name="matrix")[1]
    return str(world.objects[key])
