"""THREATS.md property 21: the API survives fuzzing. Schemathesis generates requests for every operation of
/api/v1/openapi.json, as each role of the access matrix (with real path parameters from the matrix, and
random ones), valid and invalid: no response is a server error, and every response matches the schema."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import checks
from schemathesis.generation import GenerationMode

from tests.access import ROLES
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


def _fuzz(strategy: Any, headers: dict[str, str]) -> int:
    calls = 0

    @given(case=strategy)
    @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    def fuzz(case: Any) -> None:
        nonlocal calls
        response = case.call(headers=headers)
        calls += 1
        case.validate_response(
            response, checks=[checks.not_a_server_error, checks.response_schema_conformance]
        )

    fuzz()
    return calls


@pytest.mark.parametrize("role", ROLES)
def test_api_survives_fuzzing_as_every_role(role: str, db: Any, no_invitation_flood_limit: None) -> None:
    """One role per case, so parallel workers share the fuzzing."""
    from mutualaid.config.wsgi import application

    world = build_world()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    matrix_kwargs = {route.name.removeprefix("api:"): route.kwargs(world) for route in ROUTES if route.api}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 8
    headers = {**_token(world, role), "Host": "localhost"}
    calls = 0
    for operation in operations:
        real = matrix_kwargs.get(operation.definition.raw.get("operationId"), {})
        strategies = [
            operation.as_strategy(path_parameters=real) if real else operation.as_strategy(),
            operation.as_strategy(),
        ]
        for strategy in strategies:
            calls += _fuzz(strategy, headers)
        # Nothing invalid can be sent when the operation's only input is the real path it was given (a GET
        # of one hub's challenge); its valid requests were fuzzed above.
        with contextlib.suppress(Unsatisfiable):
            calls += _fuzz(
                operation.as_strategy(GenerationMode.NEGATIVE, path_parameters=real or None), headers
            )
    assert calls >= len(operations) * 2


@pytest.fixture
def no_invitation_flood_limit(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # Fuzzing posts many invitations as one member: the flood limit is tested elsewhere (property 10).
    monkeypatch.setenv("MUTUALAID_RATE_INVITATION_CREATE", "100000/h")
    # Requests go through the WSGI app itself, not Django's test client: like the test client, keep the
    # per-request connection clean-up from closing the test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
