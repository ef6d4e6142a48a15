"""A member's own data, as one JSON document they download (their right of access and portability).

Each app says what it holds about a member: its AppConfig names `personal_data = "<app>.export:personal_data"`,
a function `personal_data(user) -> dict` returning JSON-able rows. `build()` walks the registry in app
order, so a new app plugs in the same way (a test fails when a model with a column pointing at a member
is read by no app's export). Rows come through `rows()`/`record()`: sealed fields decrypted for the
member alone, secrets (hashes, keyed digests) never written out, and any other member named by their
display name only (`you` for the member themselves) — never their contact details.

The document is built on request and handed over; it is never stored, cached or logged.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.utils import timezone
from django.utils.module_loading import import_string

from mutualaid.core.classification import SECRET, field_class, is_project_model
from mutualaid.core.registry import registered_apps

FORMAT = "mutualaid-personal-data"
VERSION = 1
YOU = "you"


def jsonable(value: Any) -> Any:
    """A value as JSON can carry it: dates as ISO 8601, money stays integer cents, bytes as base64."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, Mapping):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, Iterable):
        return [jsonable(item) for item in value]
    return str(value)


class Names:
    """Display names of the other members a member's rows point at, looked up once each."""

    def __init__(self, user: Any) -> None:
        self.user = user
        self._names: dict[int, str] = {}

    def __call__(self, user_id: int | None) -> str | None:
        if user_id is None:
            return None
        if user_id == self.user.pk:
            return YOU
        if user_id not in self._names:
            found = get_user_model().objects.filter(pk=user_id).values_list("display_name", flat=True).first()
            self._names[user_id] = str(found) if found is not None else ""
        return self._names[user_id]


def _is_secret(model: type[models.Model], field: models.Field[Any, Any]) -> bool:
    found = field_class(model, field)
    return found is not None and found[0] == SECRET


def record(
    obj: models.Model,
    *,
    names: Names,
    fields: Iterable[str] | None = None,
    exclude: Iterable[str] = (),
) -> dict[str, Any]:
    """One row: its own columns (or `fields`), secrets left out, other members by display name only."""
    model = type(obj)
    user_model = get_user_model()
    wanted = set(fields) if fields is not None else None
    skip = set(exclude)
    out: dict[str, Any] = {}
    for field in model._meta.concrete_fields:
        if (
            (wanted is not None and field.name not in wanted)
            or field.name in skip
            or _is_secret(model, field)
        ):
            continue
        value = getattr(obj, field.attname)
        if field.is_relation and field.related_model is user_model:
            out[field.name] = names(value)
        else:
            out[field.name] = jsonable(value)
    return out


def rows(
    queryset: Iterable[models.Model],
    *,
    names: Names,
    fields: Iterable[str] | None = None,
    exclude: Iterable[str] = (),
) -> list[dict[str, Any]]:
    fields = list(fields) if fields is not None else None
    exclude = list(exclude)
    return [record(obj, names=names, fields=fields, exclude=exclude) for obj in queryset]


def build(user: Any) -> dict[str, Any]:
    """Everything the apps hold about `user`, each app's part under its label (generated, never stored)."""
    parts: dict[str, Any] = {}
    for app in registered_apps():
        hook = getattr(app, "personal_data", None)
        if not hook:
            continue
        part = import_string(hook)(user)
        if part:
            parts[app.label] = part
    return {
        "format": FORMAT,
        "version": VERSION,
        "generated_at": timezone.now().isoformat(),
        "member": {"username": user.username, "display_name": user.display_name},
        "apps": parts,
    }


def personal_data_models() -> list[type[models.Model]]:
    """The project's models that point at a member (a column naming an account): what exports must cover."""
    user_model = get_user_model()
    found = []
    for model in apps.get_models():
        if not is_project_model(model):
            continue
        if model is user_model or any(
            field.is_relation and field.related_model is user_model for field in model._meta.concrete_fields
        ):
            found.append(model)
    return found
