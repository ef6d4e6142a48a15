"""Validation of records against the official HSDS 3.0 JSON schemas bundled with the app
(src/mutualaid/opendata/hsds_schema/). Two checks per record:

- `jsonschema` against the schema, its references to the other HSDS schemas resolved from the bundle
  (required fields, types, enums; formats such as uuid checked by the format checker);
- no field the schema does not define, at every level (the HSDS schemas allow unknown fields, so a
  misspelt field would otherwise pass unnoticed).
"""

from __future__ import annotations

import json
import uuid
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource

from mutualaid.opendata.dataset import SCHEMA_DIR

BASE = "https://schemas.invalid/hsds/3.0/"
# Fields the API's fully nested forms add, as the compiled schemas of the specification define them.
NESTED_EXTRA = {"organization": {"services": "service"}}


@cache
def _registry() -> Registry:
    resources = []
    for path in [*SCHEMA_DIR.glob("*.json"), *SCHEMA_DIR.glob("compiled/*.json")]:
        name = path.relative_to(SCHEMA_DIR).as_posix()
        contents = json.loads(path.read_text(encoding="utf-8"))
        resources.append((BASE + name, Resource.from_contents(contents, default_specification=_spec())))
    return Registry().with_resources(resources)


def _spec() -> Any:
    from referencing.jsonschema import DRAFT202012

    return DRAFT202012


def schema(name: str) -> dict[str, Any]:
    contents: dict[str, Any] = _registry().contents(BASE + f"{name}.json")
    return contents


def validate(record: dict[str, Any], name: str) -> None:
    """Raise if `record` is not a valid HSDS `name` (e.g. "service", "compiled/service_list")."""
    validator = Draft202012Validator(
        {"$ref": BASE + f"{name}.json"}, registry=_registry(), format_checker=FormatChecker()
    )
    errors = sorted(validator.iter_errors(record), key=lambda e: list(e.path))
    assert not errors, f"{name} {record.get('id')}: " + "; ".join(
        f"{list(e.path)}: {e.message}" for e in errors[:5]
    )
    unknown = unknown_fields(record, name)
    assert not unknown, f"{name} {record.get('id')}: fields HSDS does not define: {unknown}"
    uuid.UUID(record["id"])


def unknown_fields(record: dict[str, Any], name: str, where: str = "") -> list[str]:
    properties = schema(name)["properties"]
    extra = NESTED_EXTRA.get(name, {})
    found = []
    for key, value in record.items():
        if key in extra:
            for item in value:
                found += unknown_fields(item, extra[key], f"{where}{key}[].")
            continue
        if key not in properties:
            found.append(where + key)
            continue
        spec = properties[key]
        target = spec.get("$ref") or (spec.get("items") or {}).get("$ref")
        if not target or value is None:
            continue
        target_name = target.removesuffix(".json")
        for item in value if isinstance(value, list) else [value]:
            found += unknown_fields(item, target_name, f"{where}{key}.")
    return found
