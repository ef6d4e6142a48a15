"""Every API schema has its own name: django-ninja files schemas under their class name in the OpenAPI
components, so two apps' `EventOut` made one answer be validated against the other's shape."""

from __future__ import annotations

from collections import defaultdict

import pytest
from ninja import Schema

from mutualaid.config.api import api

pytestmark = pytest.mark.pure


def _subclasses(cls: type) -> list[type]:
    found: list[type] = []
    sub: type
    for sub in cls.__subclasses__():
        found.append(sub)
        found.extend(_subclasses(sub))
    return found


def test_schema_class_names_are_unique_across_apps() -> None:
    api.get_openapi_schema()  # every router is loaded
    by_name: dict[str, set[str]] = defaultdict(set)
    for cls in _subclasses(Schema):
        if cls.__module__.startswith("mutualaid."):
            by_name[cls.__name__].add(cls.__module__)
    clashes = {name: sorted(modules) for name, modules in by_name.items() if len(modules) > 1}
    assert clashes == {}
