"""Model fields that keep personal data out of the database in the clear."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.validators import MaxLengthValidator
from django.db import models

from mutualaid.core import encryption


class EncryptedTextField(models.TextField[Any, str | None]):
    """Text sealed with the key ring before it reaches the database.

    Reads as `None` when the value cannot be decrypted (the key ring was destroyed by `mutualaid panic`),
    so pages keep working and say the data is gone. Empty values are stored as an empty string, which
    reveals only that the field is empty.
    """

    description = "Text encrypted at rest"
    data_class = "encrypted"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)
        if self.max_length is not None:
            # TextField only passes max_length to form fields; a sealed field keeps its limit in
            # full_clean() too, so the API (which skips forms) cannot store an oversize value.
            self.validators.append(MaxLengthValidator(self.max_length))

    def context(self) -> str:
        return f"{self.model._meta.db_table}.{self.column}"

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return encryption.decrypt(value, context=self.context())

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encryption.encrypt(str(value), context=self.context())

    def deconstruct(self) -> tuple[str, str, Sequence[Any], dict[str, Any]]:
        name, path, args, kwargs = super().deconstruct()
        if not self.blank:  # the default here is blank=True, unlike Django's
            kwargs["blank"] = False
        return name, path, args, kwargs

    def get_lookup(self, lookup_name: str) -> Any:
        # Ciphertexts differ on every write, so only emptiness can be asked of the database.
        if lookup_name not in {"exact", "isnull", "in"}:
            return None
        return super().get_lookup(lookup_name)


class BlindIndexField(models.CharField[Any, str]):
    """A keyed HMAC of another field's normalised value: exact lookup without the value itself."""

    data_class = "secret"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)
