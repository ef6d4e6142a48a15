"""Every funds column is classified, and the sensitive ones are sealed (THREATS.md properties 1 and 2)."""

from __future__ import annotations

import pytest
from django.apps import apps

from mutualaid.core.classification import ENCRYPTED, field_class, unclassified

pytestmark = pytest.mark.pure


def test_every_funds_column_is_classified() -> None:
    assert [name for name in unclassified() if name.startswith("funds.")] == []


def test_sensitive_fields_are_encrypted() -> None:
    sensitive = {
        "Request": ["purpose", "payee"],
        "Transaction": ["reference", "contributor"],
        "Pledge": ["contributor"],
        "Receipt": ["sealed"],
    }
    for model_name, fields in sensitive.items():
        model = apps.get_model("funds", model_name)
        for name in fields:
            found = field_class(model, model._meta.get_field(name))
            assert found is not None and found[0] == ENCRYPTED, f"{model_name}.{name}"
