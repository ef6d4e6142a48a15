"""Every column that can hold personal data carries a classification (THREATS.md property 1).

- public: stored in the clear; shown to members (or everyone) by design.
- coarse: stored in the clear but deliberately imprecise (a ~1 km² cell, a day instead of a time).
- encrypted: sealed with the key ring before it reaches the database.
- secret: a hash or keyed digest (passwords, tokens, blind indexes); useless without the secret.

Models declare the classes of their own fields in `data_classification`, with what each column could
tell an adversary who seizes the server. Encrypted and blind-index fields classify themselves.
`docs/what-a-seized-server-reveals.md` is generated from this and a test keeps the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db import models

PUBLIC = "public"
COARSE = "coarse"
ENCRYPTED = "encrypted"
SECRET = "secret"  # noqa: S105 - a classification name, not a password
CLASSES = (PUBLIC, COARSE, ENCRYPTED, SECRET)
PROJECT_APPS_PREFIX = "mutualaid."


@dataclass(frozen=True)
class Column:
    table: str
    column: str
    data_class: str
    reveals: str


# Tables of the libraries we build on. Their columns hold no personal data beyond what is said here.
THIRD_PARTY: dict[str, dict[str, tuple[str, str]]] = {
    "django_session": {
        "session_key": (SECRET, "random session identifier"),
        "session_data": (PUBLIC, "signed session state: which account is logged in, language, 2FA state"),
        "expire_date": (PUBLIC, "when a login session ends (reveals roughly when someone last logged in)"),
    },
    "mfa_authenticator": {
        "user_id": (PUBLIC, "which account set up a second factor"),
        "type": (PUBLIC, "kind of second factor (TOTP, recovery codes, passkey)"),
        "data": (SECRET, "second-factor seeds, sealed with the key ring"),
        "created_at": (PUBLIC, "when the second factor was set up"),
        "last_used_at": (PUBLIC, "when the second factor was last used"),
    },
    "django_admin_log": {
        "object_repr": (PUBLIC, "operator edits in the Django admin: which object (by its pseudonym or title)"),
    },
    "django_tasks_db_dbtaskresult": {
        "args_kwargs": (PUBLIC, "arguments of queued jobs: object ids only, never contact details"),
    },
}


def is_project_model(model: type[models.Model]) -> bool:
    return model.__module__.startswith(PROJECT_APPS_PREFIX)


def field_class(model: type[models.Model], field: models.Field) -> tuple[str, str] | None:
    own = getattr(field, "data_class", None)
    declared = getattr(model, "data_classification", {}).get(field.name)
    if declared is not None:
        return declared
    if own is not None:
        return own, "sealed with the key ring" if own == ENCRYPTED else "keyed digest"
    return None


def concrete_fields(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if not f.primary_key]


def unclassified() -> list[str]:
    """Fields of mutualaid's own models that carry no classification: each one is a defect."""
    missing = []
    for model in apps.get_models():
        if not is_project_model(model):
            continue
        for field in concrete_fields(model):
            found = field_class(model, field)
            if found is None or found[0] not in CLASSES:
                missing.append(f"{model._meta.label}.{field.name}")
    return missing


def plaintext_columns() -> list[Column]:
    """Every column a seized database shows in the clear (public and coarse), with what it reveals."""
    columns = []
    for model in apps.get_models():
        if not is_project_model(model):
            continue
        for field in concrete_fields(model):
            found = field_class(model, field)
            if found and found[0] in (PUBLIC, COARSE):
                columns.append(Column(model._meta.db_table, field.column, found[0], found[1]))
    for table, fields in THIRD_PARTY.items():
        for column, (data_class, reveals) in fields.items():
            if data_class in (PUBLIC, COARSE):
                columns.append(Column(table, column, data_class, reveals))
    return sorted(columns, key=lambda c: (c.table, c.column))
