"""THREATS.md property 22, every date and time field at once: found by introspection (every form class of
every app, every operation of the API's OpenAPI schema), never listed by hand, so a new field is covered the
day it is written. Each gets extreme values (years 1, 9999 and 10000, negative years, overflowing offsets,
impossible days, bad formats, a time that does not exist in New York's spring-forward gap): the answer is
a clear refusal (a 4xx with the field named, or a form error on the field), never a server error and
never a stored value later arithmetic fails on."""

from __future__ import annotations

import datetime
import importlib
import inspect
import json
import pkgutil
from collections.abc import Iterator
from typing import Any

import pytest
from django import forms
from django.test import Client
from django.utils import timezone

import mutualaid
from mutualaid.core.dates import in_range
from tests.test_access_matrix import ROUTES, build_world

EXTREME_DAYS = [
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "-0001-01-01",
    "2026-02-30",
    "2026-13-01",
    "1899-12-31",
    "2201-01-01",
    "99999999999999999999-01-01",
    "not a day",
    "",
]
EXTREME_TIMES = [
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-14:00",
    "9999-12-31T23:59:59",
    "10000-01-01T00:00:00",
    "-0001-01-01T00:00:00",
    "2026-03-08T02:30:00",  # does not exist in America/New_York (the clocks jump from 2:00 to 3:00)
    "2026-03-08T02:30:00+99:00",
    "2026-01-01T25:61:00",
    "1899-12-31T23:59:59+00:00",
    "2201-01-01T00:00:00Z",
    "not a time",
]
EXTREME_CLOCK = ["24:00", "25:61", "-01:00", "99999999999999999999:00", "12", "noon"]
# Values that must be refused outright (the rest may also be refused as missing or badly formed).
OUT_OF_RANGE = {"0001-01-01", "9999-12-31", "1899-12-31", "2201-01-01"}


def _extremes(kind: str) -> list[str]:
    return {"date": EXTREME_DAYS, "date-time": EXTREME_TIMES, "time": EXTREME_CLOCK}[kind]


# Forms ------------------------------------------------------------------------------------------------


def _form_classes() -> Iterator[type[forms.Form]]:
    for module in pkgutil.walk_packages(mutualaid.__path__, "mutualaid."):
        if not module.name.endswith(".forms"):
            continue
        loaded = importlib.import_module(module.name)
        for _name, cls in inspect.getmembers(loaded, inspect.isclass):
            if issubclass(cls, forms.Form) and cls.__module__ == loaded.__name__:
                yield cls


DATE_FIELDS = (forms.DateField, forms.DateTimeField, forms.TimeField)
FORM_CASES = [
    (cls, name, field)
    for cls in _form_classes()
    for name, field in cls.base_fields.items()
    if isinstance(field, DATE_FIELDS)
]


def _kind_of(field: forms.Field) -> str:
    if isinstance(field, forms.DateTimeField):
        return "date-time"
    return "date" if isinstance(field, forms.DateField) else "time"


def _form(cls: type[forms.Form], data: dict[str, str]) -> forms.Form:
    # Keyword-only arguments without a default (choices built by the view) get empty lists.
    needed: dict[str, list[Any]] = {
        name: []
        for name, parameter in inspect.signature(cls.__init__).parameters.items()
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY and parameter.default is inspect.Parameter.empty
    }
    return cls(data=data, **needed)


def test_the_introspection_finds_the_known_fields() -> None:
    found = {f"{cls.__name__}.{name}" for cls, name, _field in FORM_CASES}
    assert {"PostForm.window_start", "PledgeForm.next_due", "RunForm.date", "NewSeriesForm.until"} <= found
    assert len(found) >= 15


@pytest.mark.parametrize(
    ("cls", "name", "field"), FORM_CASES, ids=[f"{c.__name__}.{n}" for c, n, _f in FORM_CASES]
)
def test_every_form_date_field_refuses_the_extremes(cls: Any, name: str, field: forms.Field) -> None:
    for value in _extremes(_kind_of(field)):
        form = _form(cls, {name: value})
        form.is_valid()  # never raises
        cleaned = form.cleaned_data.get(name)
        if value in OUT_OF_RANGE:
            assert name in form.errors, (value, form.errors)
        if isinstance(cleaned, datetime.date):
            assert in_range(cleaned), (value, cleaned)


# API --------------------------------------------------------------------------------------------------


def _schema() -> dict[str, Any]:
    from mutualaid.config.api import api

    return api.get_openapi_schema()


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _date_kind(schema: dict[str, Any], node: dict[str, Any]) -> str | None:
    node = _resolve(schema, node)
    if node.get("format") in ("date", "date-time", "time"):
        return str(node["format"])
    for choice in node.get("anyOf", []):
        kind = _date_kind(schema, choice)
        if kind:
            return kind
    return None


def _example(schema: dict[str, Any], node: dict[str, Any]) -> Any:
    """A plausible value for a schema node: what a careful client would send."""
    node = _resolve(schema, node)
    kind = _date_kind(schema, node)
    soon = timezone.now() + datetime.timedelta(days=3)
    if kind == "date":
        return soon.date().isoformat()
    if kind == "date-time":
        return soon.replace(microsecond=0).isoformat()
    if kind == "time":
        return "10:00"
    for choice in node.get("anyOf", []):
        if _resolve(schema, choice).get("type") != "null":
            return _example(schema, choice)
    if "enum" in node:
        return node["enum"][0]
    if "default" in node:
        return node["default"]
    kind = node.get("type")
    if kind == "integer":
        return max(int(node.get("minimum", 1)), 1)
    if kind == "number":
        return 1
    if kind == "boolean":
        return False
    if kind == "array":
        return []
    if kind == "object":
        return {k: _example(schema, v) for k, v in node.get("properties", {}).items()}
    return "Fuzz"


def _api_cases() -> list[tuple[str, str, str, str, str]]:
    """(method, path, operationId, where, field) for every date field of every operation."""
    schema = _schema()
    cases = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query" and _date_kind(schema, parameter.get("schema", {})):
                    cases.append((method, path, operation["operationId"], "query", parameter["name"]))
            for content in operation.get("requestBody", {}).get("content", {}).values():
                body = _resolve(schema, content["schema"])
                for name, node in body.get("properties", {}).items():
                    if _date_kind(schema, node):
                        cases.append((method, path, operation["operationId"], "body", name))
    return cases


API_CASES = _api_cases()


def test_the_api_introspection_finds_the_known_fields() -> None:
    found = {(operation, field) for _m, _p, operation, _w, field in API_CASES}
    assert len(found) >= 15
    assert any(field == "next_due" for _o, field in found)
    assert any(field == "window_start" for _o, field in found)


@pytest.fixture(scope="module")
def api_world(
    django_db_setup: None, django_db_blocker: Any
) -> Iterator[tuple[Any, dict[str, dict[str, Any]]]]:
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        world = build_world()
        kwargs = {route.name.removeprefix("api:"): route.kwargs(world) for route in ROUTES if route.api}
        yield world, kwargs
        transaction.set_rollback(True)


def _call(
    client: Client, method: str, url: str, where: str, body: dict[str, Any], headers: dict[str, str]
) -> Any:
    if where == "query":
        return client.generic(method.upper(), url, data="", QUERY_STRING=_query(body), **headers)
    return client.generic(method.upper(), url, json.dumps(body), content_type="application/json", **headers)


def _query(values: dict[str, Any]) -> str:
    from urllib.parse import urlencode

    return urlencode({k: v for k, v in values.items() if v is not None})


@pytest.mark.parametrize(
    ("method", "path", "operation", "where", "field"),
    API_CASES,
    ids=[f"{c[2]}.{c[4]}" for c in API_CASES],
)
def test_every_api_date_field_refuses_the_extremes(
    db: Any, api_world: Any, method: str, path: str, operation: str, where: str, field: str
) -> None:
    from mutualaid.members.services import access_token_create

    world, kwargs = api_world
    schema = _schema()
    spec = schema["paths"][path][method]
    url = path.format(**kwargs.get(operation, {}))
    assert "{" not in url, f"the access matrix names no path parameters for {operation}"
    if where == "body":
        content = next(iter(spec["requestBody"]["content"].values()))
        baseline = _example(schema, content["schema"])
        kind = _date_kind(schema, _resolve(schema, content["schema"])["properties"][field])
    else:
        baseline = {
            p["name"]: _example(schema, p.get("schema", {}))
            for p in spec.get("parameters", [])
            if p["in"] == "query"
        }
        kind = next(_date_kind(schema, p.get("schema", {})) for p in spec["parameters"] if p["name"] == field)
    _record, token = access_token_create(user=world.users["ada"], name="date fuzz")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_HOST": "localhost"}
    client = Client()
    assert kind
    answers = []
    for value in _extremes(kind):
        answer = _call(client, method, url, where, {**baseline, field: value}, headers)
        assert answer.status_code < 500, (operation, field, value, answer.content[:300])
        assert answer["Content-Type"].startswith("application/json"), (operation, field, value)
        if value in OUT_OF_RANGE or value.startswith(("9999", "0001", "-", "10000", "2201", "1899")):
            assert 400 <= answer.status_code < 500, (operation, field, value, answer.status_code)
            answers.append((value, answer))
    # Last, as some operations use their resource up (a post becomes a stop): the same request with a
    # normal date passes, so the date is why the extremes were refused, and the answer says which field.
    normal = _call(client, method, url, where, baseline, headers)
    assert normal.status_code < 500, (operation, normal.content[:300])
    if normal.status_code < 300:
        for value, answer in answers:
            assert field in answer.content.decode(), (operation, field, value, answer.content[:300])
