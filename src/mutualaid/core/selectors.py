"""Reads of core records, scoped by the caller (access is checked by the caller's access helper)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.apps import apps

from mutualaid.core.models import SensitiveRead

AUDIT_PAGE = 200


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    reader: str
    kind: str
    whose: str
    fields: list[str]


def _whose(obj: Any) -> str:
    if obj is None:
        return "—"
    if obj._meta.label == "members.User":
        return str(obj)
    for name in ("user", "owner", "author", "created_by"):
        person = getattr(obj, name, None)
        if person is not None:
            return str(person)
    return str(obj._meta.verbose_name)


def sensitive_reads_in_group(group_id: int, *, limit: int = AUDIT_PAGE) -> list[AuditEntry]:
    """The latest reads of someone else's sensitive fields within one group: who, what, whose, when.

    Subjects are fetched in one query per kind of record, whatever app they belong to.
    """
    reads = list(
        SensitiveRead.objects.filter(group_id=group_id).select_related("reader").order_by("-at")[:limit]
    )
    wanted: dict[str, set[int]] = defaultdict(set)
    for read in reads:
        wanted[read.subject_type].add(read.subject_id)
    subjects: dict[tuple[str, int], Any] = {}
    kinds: dict[str, str] = {}
    field_names: dict[tuple[str, str], str] = {}
    for label, ids in wanted.items():
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            continue
        kinds[label] = str(model._meta.verbose_name)
        for field in model._meta.concrete_fields:
            field_names[(label, field.name)] = str(field.verbose_name)
        for pk, obj in model._default_manager.in_bulk(ids).items():
            subjects[(label, pk)] = obj
    return [
        AuditEntry(
            at=read.at,
            reader=str(read.reader) if read.reader else "—",
            kind=kinds.get(read.subject_type, read.subject_type),
            whose=_whose(subjects.get((read.subject_type, read.subject_id))),
            fields=[field_names.get((read.subject_type, f), f) for f in read.fields.split(",") if f],
        )
        for read in reads
    ]
