"""Every wrong field of one request, named at once: services check each field in turn and raise one
ValidationError with all of them, not the first alone (a form or an API client fixes everything in one go)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


class FieldErrors:
    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    @contextmanager
    def check(self) -> Iterator[None]:
        """Run one check; a ValidationError it raises is kept, and the next check runs."""
        try:
            yield
        except ValidationError as exc:
            self.add(exc)

    def add(self, exc: ValidationError) -> None:
        found = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
        for name, messages in found.items():
            self.errors.setdefault(name, []).extend(str(m) for m in messages)

    def __contains__(self, name: str) -> bool:
        return name in self.errors

    def raise_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)
