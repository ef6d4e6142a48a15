"""Recording reads of another member's sensitive fields (THREATS.md property 15)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models

from mutualaid.core.models import ReadVia, SensitiveRead


def record_read(
    *,
    reader: Any,
    subject: models.Model,
    fields: Iterable[str],
    group_id: int | None = None,
    via: ReadVia = ReadVia.PAGE,
) -> None:
    """One audit row per read of someone else's sensitive fields: who, what, when, where (`via`, when not
    on the record's own page); never an address."""
    owner_id = getattr(subject, "owner_id", None) or getattr(subject, "user_id", None)
    if subject._meta.label == "members.User":
        owner_id = subject.pk
    if reader is not None and owner_id == getattr(reader, "pk", None):
        return
    SensitiveRead.objects.create(
        reader=reader if getattr(reader, "pk", None) else None,
        group_id=group_id,
        subject_type=subject._meta.label_lower,
        subject_id=subject.pk,
        fields=",".join(sorted(fields)),
        via=via,
    )
