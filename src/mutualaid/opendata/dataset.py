"""The downloadable dataset: HSDS 3.0 tabular form, a ZIP of one CSV per table and a `datapackage.json`
(Frictionless Data Package) whose table schemas come from the bundled official HSDS schemas, so the
column names, order and types are the specification's own."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from functools import cache
from pathlib import Path
from typing import Any

from mutualaid.opendata.hsds import HSDS_VERSION, PROFILE, Directory

SCHEMA_DIR = Path(__file__).resolve().parent / "hsds_schema"
# Directory table -> the HSDS schema file that defines it.
TABLE_SCHEMA = {
    "organizations": "organization",
    "services": "service",
    "locations": "location",
    "service_at_locations": "service_at_location",
    "schedules": "schedule",
    "service_areas": "service_area",
    "languages": "language",
    "attributes": "attribute",
    "accessibility": "accessibility",
    "taxonomies": "taxonomy",
    "taxonomy_terms": "taxonomy_term",
}
_FIELD_KEYS = ("name", "type", "title", "description", "format", "constraints")


@cache
def hsds_schema(name: str) -> dict[str, Any]:
    """One bundled HSDS schema (e.g. "service"), parsed."""
    loaded: dict[str, Any] = json.loads((SCHEMA_DIR / f"{name}.json").read_text(encoding="utf-8"))
    return loaded


def columns(table: str) -> list[dict[str, Any]]:
    """The table's columns: the schema's one-to-one fields (no arrays or nested objects), in order."""
    properties = hsds_schema(TABLE_SCHEMA[table])["properties"]
    return [
        {key: spec[key] for key in _FIELD_KEYS if key in spec}
        for spec in properties.values()
        if spec.get("type") not in ("array", "object", None)
    ]


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def table_csv(directory: Directory, table: str) -> str:
    names = [column["name"] for column in columns(table)]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(names)
    for record in getattr(directory, table):
        writer.writerow([_cell(record.get(name)) for name in names])
    return out.getvalue()


def datapackage(directory: Directory, *, created: str) -> dict[str, Any]:
    resources = []
    for table, schema_name in TABLE_SCHEMA.items():
        schema = hsds_schema(schema_name)
        resources.append(
            {
                "name": schema["name"],
                "path": schema["path"],
                "description": schema.get("description", ""),
                **schema.get("datapackage_metadata", {}),
                "encoding": "utf-8",
                "schema": {"fields": columns(table), "primaryKey": "id"},
            }
        )
    return {
        "name": "hsds-mutualaid-directory",
        "title": "Mutual aid directory (Open Referral HSDS 3.0)",
        "profile": "tabular-data-package",
        "homepage": directory.url("/open-data/"),
        "created": created,
        "hsds_version": HSDS_VERSION,
        "sources": [{"title": "Open Referral HSDS 3.0", "path": PROFILE}],
        "resources": resources,
    }


def zipped(directory: Directory, *, created: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "datapackage.json",
            json.dumps(datapackage(directory, created=created), indent=2, ensure_ascii=False),
        )
        for table in TABLE_SCHEMA:
            archive.writestr(hsds_schema(TABLE_SCHEMA[table])["path"], table_csv(directory, table))
    return buffer.getvalue()
