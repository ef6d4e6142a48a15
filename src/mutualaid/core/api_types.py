"""Field types shared by the API schemas."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

# A row id: positive and within a 64-bit column, so a fuzzed 2**63 is a 422, never a database overflow.
DbId = Annotated[int, Field(ge=1, le=2**63 - 1)]
