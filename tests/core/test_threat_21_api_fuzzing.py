"""THREATS.md property 21: the API survives fuzzing. Schemathesis generates requests for every operation of
/api/v1/openapi.json, as each role of the access matrix (with real path parameters from the matrix, and
random ones), valid and invalid: no response is a server error, and every response matches the schema.

The requests a role sends do not depend on the role (the role is only the token header), so each process
generates them once and sends the same requests as every role it runs: generating took about half of each
role's time. The world is built once per process too, and each role's test runs in a savepoint of it, so
every role meets the same objects (the generated requests carry their ids) and nothing one role's requests
wrote or deleted."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import checks
from schemathesis.generation import GenerationMode

from tests.access import ROLES, World
from tests.test_access_matrix import ROUTES, build_world

# Examples per operation, role and kind of request (scripts/test asks fewer of the PostgreSQL pass: the
# SQLite pass explores, the PostgreSQL pass checks that every operation answers on that database too).
EXAMPLES = int(os.environ.get("MUTUALAID_FUZZ_EXAMPLES", "6"))


def _token(world: Any, role: str) -> dict[str, str]:
    if role == "anonymous":
        return {}
    from mutualaid.members.services import access_token_create

    _record, token = access_token_create(user=world.users[role], name="fuzz")
    return {"Authorization": f"Bearer {token}"}


def _generate(strategy: Any) -> list[Any]:
    """The requests Hypothesis draws from `strategy`: the same ones it drew while the requests were sent
    inside its loop, since the examples are derandomised on CI and no check steers the drawing (it only
    changes when a request fails, and a failure fails the test either way)."""
    drawn: list[Any] = []

    @given(case=strategy)
    @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    def draw(case: Any) -> None:
        drawn.append(case)

    draw()
    return drawn


def _requests(operation: Any, real: dict[str, Any]) -> list[Any]:
    """Valid requests (with the world's real path parameters, and with random ones), then invalid ones."""
    drawn = _generate(operation.as_strategy(path_parameters=real) if real else operation.as_strategy())
    drawn += _generate(operation.as_strategy())
    # Nothing invalid can be sent when the operation's only input is the real path it was given (a GET of
    # one hub's challenge); its valid requests are drawn above.
    with contextlib.suppress(Unsatisfiable):
        drawn += _generate(operation.as_strategy(GenerationMode.NEGATIVE, path_parameters=real or None))
    return drawn


@pytest.fixture(scope="module")
def fuzz_world(django_db_setup: None, django_db_blocker: Any) -> Iterator[tuple[World, list[list[Any]]]]:
    """The world and every operation's requests, made once per process for all the roles it runs.

    Written inside a transaction rolled back when the module ends; each role's case runs in pytest-django's
    savepoint inside it (`db`), so what one role's requests wrote is gone before the next role starts."""
    from mutualaid.config.wsgi import application

    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        transaction.atomic(),
        _connection_kept(),  # the schema is read through the WSGI app
    ):
        world = build_world()
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
        matrix_kwargs = {
            route.name.removeprefix("api:"): route.kwargs(world) for route in ROUTES if route.api
        }
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) >= 8
        requests = [
            _requests(operation, matrix_kwargs.get(operation.definition.raw.get("operationId"), {}))
            for operation in operations
        ]
        yield world, requests
        transaction.set_rollback(True)


@pytest.mark.parametrize("role", ROLES)
def test_api_survives_fuzzing_as_every_role(
    role: str, fuzz_world: tuple[World, list[list[Any]]], db: Any, no_invitation_flood_limit: None
) -> None:
    """One role per case, so parallel workers share the fuzzing."""
    world, requests = fuzz_world
    headers = {**_token(world, role), "Host": "localhost"}
    calls = 0
    for drawn in requests:
        for case in drawn:
            response = case.call(headers=headers)
            calls += 1
            case.validate_response(
                response, checks=[checks.not_a_server_error, checks.response_schema_conformance]
            )
    assert calls >= len(requests) * 2


@contextlib.contextmanager
def _connection_kept() -> Iterator[None]:
    """Requests go through the WSGI app itself, not Django's test client: like the test client, keep the
    per-request connection clean-up from closing the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def no_invitation_flood_limit(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # Fuzzing posts many invitations as one member: the flood limit is tested elsewhere (property 10).
    monkeypatch.setenv("MUTUALAID_RATE_INVITATION_CREATE", "100000/h")
    with _connection_kept():
        yield
