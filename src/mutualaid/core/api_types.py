"""Field types shared by the API schemas."""

from __future__ import annotations

from typing import Annotated

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from pydantic import Field

# A row id: positive and within a 64-bit column, so a fuzzed 2**63 is a 422, never a database overflow.
DbId = Annotated[int, Field(ge=1, le=2**63 - 1)]


class MissingFields(ValidationError):
    """A request that must name every field left some out (a PUT replaces the whole object): answered
    400 `bad request`, each missing field named in `errors` (config.api)."""

    def __init__(self, names: list[str]) -> None:
        super().__init__({name: [_("This field is required: a PUT replaces every field.")] for name in names})
