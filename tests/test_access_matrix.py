"""Object- and function-level authorisation on every route (THREATS.md property 8).

Every URL pattern and API operation must appear in a `tests/<app>/access_matrix.py`. Each is requested
as five roles spanning the permission boundaries; the status must be exactly what the matrix says.

The same walk, one request per route and role, proves on every response four more properties that hold
for every route: strict headers and same-origin pages (property 13, tests/headers.py), no client address
or user agent in any log or database write (property 5, tests/client_address.py), only coarse locations
for everyone but coordinators (property 7, tests/coarse.py), and members' markup stored as text and
escaped on every page (property 22, tests/markup.py).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests
from tests.access import ROLES, Route, World, api_token
from tests.client_address import CANARY_HEADERS, assert_no_client_address, every_log, statements_sent
from tests.coarse import assert_coarse, plant
from tests.conftest import enable_totp, make_user
from tests.headers import assert_same_origin_page, assert_strict_headers
from tests.markup import assert_escaped, seed_markup

# Prefixes owned by Django's admin: covered by the admin rows below (staff only, login elsewhere).
ADMIN_NAMESPACE = "admin"


def _matrix_modules() -> list[Any]:
    found = []
    for info in pkgutil.iter_modules([str(Path(tests.__file__).parent)]):
        if info.ispkg:
            try:
                found.append(importlib.import_module(f"tests.{info.name}.access_matrix"))
            except ModuleNotFoundError as exc:
                if exc.name != f"tests.{info.name}.access_matrix":
                    raise
    return found


MODULES = _matrix_modules()
ROUTES: list[Route] = [route for module in MODULES for route in module.ROUTES]


def _url_names(resolver: URLResolver, namespace: str = "") -> set[str]:
    names = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = (
                f"{namespace}:{pattern.namespace}"
                if namespace and pattern.namespace
                else (pattern.namespace or namespace)
            )
            names |= _url_names(pattern, inner)
        elif isinstance(pattern, URLPattern):
            name = pattern.name or f"<unnamed {pattern.pattern}>"
            names.add(f"{namespace}:{name}" if namespace else name)
    return names


def test_every_route_is_in_the_matrix() -> None:
    covered = {route.name for route in ROUTES}
    names = {n for n in _url_names(get_resolver()) if not n.startswith(f"{ADMIN_NAMESPACE}:")}
    missing = sorted(names - covered)
    assert not missing, f"routes with no access-matrix entry: {missing}"
    stale = sorted(covered - names - {"admin:index", "admin:login"})
    assert not stale, f"matrix entries for routes that no longer exist: {stale}"


def test_every_api_operation_is_in_the_matrix() -> None:
    from mutualaid.config.api import api

    schema = api.get_openapi_schema()
    operations = {
        f"{method.upper()} api:{op['operationId']}"
        for path, methods in schema["paths"].items()
        for method, op in methods.items()
    }
    covered = {f"{r.method} {r.name}" for r in ROUTES if r.api}
    missing = sorted(operations - covered)
    assert not missing, f"API operations with no access-matrix entry: {missing}"


def test_matrix_keys_are_unique() -> None:
    keys = [route.key for route in ROUTES]
    assert len(keys) == len(set(keys)), "two matrix entries share a method, name and variant"


def build_world() -> World:
    from mutualaid.groups.models import Group
    from mutualaid.members.models import Membership

    crown = Group.objects.create(
        name="Crown", slug="crown", accepts_requests=True, centre_lat=40.67, centre_lon=-73.94
    )
    bush = Group.objects.create(name="Bush", slug="bush", centre_lat=40.69, centre_lon=-73.92)
    users = {name: make_user(name) for name in ("eve", "cy", "ben", "ada", "dee")}
    Membership.objects.create(user=users["cy"], group=bush)
    Membership.objects.create(user=users["dee"], group=bush, role="coordinator")
    Membership.objects.create(user=users["ben"], group=crown)
    Membership.objects.create(user=users["ada"], group=crown, role="coordinator")
    enable_totp(users["ada"])
    enable_totp(users["dee"])
    world = World(users=users, crown=crown, bush=bush)
    for module in MODULES:
        if hasattr(module, "build"):
            module.build(world)
    return world


@pytest.fixture(scope="module")
def matrix_world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """The world, built once for all the cases of this module (not once per case: 900+ cases).

    It is written inside a transaction that is rolled back when the module ends; each case runs in
    pytest-django's own savepoint inside it (`db`), so whatever a case writes (a revoked token, a
    deleted post, a session) is undone before the next case sees the world.
    """
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        transaction.atomic(),
    ):
        built = build_world()
        built.objects["coarse_post"] = plant(built.crown, built.users["ben"], built.users["ada"])
        seed_markup(built)
        # Tokens are made up front: one made lazily inside a case would be rolled back with it.
        for role in ROLES[1:]:
            api_token(built, role)
        yield built
        transaction.set_rollback(True)


def _client(world: World, role: str, api: bool) -> Client:
    """A client for the role that sends the canary client address and agent with every request (property 5)."""
    if role == "anonymous":
        return Client(**CANARY_HEADERS)
    user = world.users[role]
    if api:
        return Client(headers={"Authorization": f"Bearer {api_token(world, role)}"}, **CANARY_HEADERS)
    client = Client(**CANARY_HEADERS)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def _outcome(response: Any) -> str:
    status = response.status_code
    if status in (301, 302, 303, 307, 308):
        location = response.headers.get("Location", "")
        return (
            "login" if location.startswith(reverse("account_login")) or "/admin/login/" in location else "ok"
        )
    if 200 <= status < 300:
        return "ok"
    return str(status)


CASES = [(route, role) for route in ROUTES for role in ROLES]


# The pages that must show the markup of tests/markup.py (escaped): the proof that it is really rendered.
SHOWS_MARKUP = {
    ("GET members", "ada"),
    ("GET invitations", "ada"),
    ("GET invitations", "ben"),
    ("GET invitation", "ben"),
    ("GET profile", "ben"),
    ("GET exchange_board", "ben"),
    ("GET exchange_post", "ben"),
    ("GET decisions_proposal", "ben"),
    ("GET funds_request", "ben"),
    ("GET hubs_hub", "anonymous"),
}


@pytest.mark.parametrize(("route", "role"), CASES, ids=[f"{r.key}-{role}" for r, role in CASES])
def test_route_access(
    route: Route,
    role: str,
    matrix_world: World,
    db: Any,
    caplog: pytest.LogCaptureFixture,
    django_capture_on_commit_callbacks: Any,
) -> None:
    world = matrix_world
    expected = route.codes()[role]
    url = reverse(route.name, kwargs=route.kwargs(world))
    client = _client(world, role, route.api)
    data = route.data(world)
    where = f"{route.key} as {role}"
    # What runs after the write commits (notices, queued jobs) runs here too, inside the case's savepoint.
    with every_log(caplog), statements_sent() as sent, django_capture_on_commit_callbacks(execute=True):
        if route.method == "GET":
            response = client.get(url, data)
        elif route.api:
            import json

            response = client.generic(route.method, url, json.dumps(data), content_type="application/json")
        else:
            response = client.generic(
                route.method, url, _encode(data), content_type="application/x-www-form-urlencoded"
            )
    assert response.status_code < 500, f"{where}: server error"
    # THREATS.md property 13 on every route as every role: strict headers, and pages that stay on the site.
    assert_strict_headers(response, where)
    if (
        response.status_code == 200
        and response["Content-Type"].startswith("text/html")
        and not route.name.startswith("admin:")
    ):
        assert_same_origin_page(response, where)
    # THREATS.md property 5 on every route as every role: no client address or agent logged or stored.
    assert_no_client_address(caplog, sent, response.status_code, where)
    # THREATS.md property 7 on every read as every plain role: no exact address, point or neighbour's contact.
    assert_coarse(response, route, role, where)
    # THREATS.md property 22 on every route as every role: members' markup never reaches a page unescaped.
    shown = assert_escaped(response, route, where)
    if (route.key, role) in SHOWS_MARKUP:
        assert shown, f"{where}: the members' markup should be shown here, escaped"
    if expected != "any":
        assert _outcome(response) == expected, (
            f"{where}: expected {expected}, got {response.status_code} {response.headers.get('Location', '')}"
        )


def _encode(data: dict[str, Any]) -> str:
    from urllib.parse import urlencode

    return urlencode(data, doseq=True)
