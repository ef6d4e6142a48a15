"""Reads of core records, scoped by the caller (access is checked by the caller's access helper)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.apps import apps
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from mutualaid.core.models import SensitiveRead

AUDIT_PAGE = 200

# What was read, in words a coordinator knows (the models' own names are the code's: "post", "contact").
# A record not named here keeps its model's name.
AUDIT_KINDS: dict[str, Promise] = {
    "exchange.post": _("a post on the board"),
    "exchange.contact": _("a neighbour without an account"),
    "exchange.claim": _("a conversation about a post"),
    "channels.contact": _("a neighbour who texted in"),
    "members.user": _("a member"),
    "members.joinrequest": _("a request to join"),
    "groups.group": _("the group's data (export)"),
    "funds.request": _("a request for money"),
    "deliveries.stop": _("a delivery stop"),
    "deliveries.depot": _("a depot"),
    "defense.report": _("an alert report"),
    "housing.offer": _("a housing offer"),
    "peers.referral": _("a referral"),
}
NO_ACCOUNT = frozenset({"exchange.contact", "channels.contact"})
AUDIT_FIELDS: dict[str, Promise] = {
    "address": _("exact address"),
    "contact": _("contact details"),
    "details": _("details"),
    "door_note": _("notes for the door"),
    "exact_point": _("exact point on the map"),
    "message": _("message"),
    "messages": _("messages"),
    "name": _("name"),
    "note": _("private note"),
    "payee": _("who is paid"),
    "phone": _("phone number"),
    "private_note": _("private note"),
    "purpose": _("purpose"),
    "receipt": _("receipt"),
    "reporter": _("who reported"),
    "reporter_phone": _("phone number of who reported"),
}


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    reader: str
    kind: str
    whose: str
    fields: list[str]
    via: str


def _whose(obj: Any) -> str:
    if obj is None:
        return "—"
    if obj._meta.label == "members.User":
        return str(obj)
    if obj._meta.label_lower in NO_ACCOUNT:
        return (
            "—"  # a neighbour without an account: their name is itself private, and `created_by` is not them
        )
    for name in ("user", "owner", "author", "created_by"):
        person = getattr(obj, name, None)
        if person is not None:
            return str(person)
    return "—"


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
        kinds[label] = str(AUDIT_KINDS.get(label, model._meta.verbose_name))
        for field in model._meta.concrete_fields:
            field_names[(label, field.name)] = str(AUDIT_FIELDS.get(field.name, field.verbose_name))
        for pk, obj in model._default_manager.in_bulk(ids).items():
            subjects[(label, pk)] = obj
    return [
        AuditEntry(
            at=read.at,
            reader=str(read.reader) if read.reader else "—",
            kind=kinds.get(read.subject_type, read.subject_type),
            whose=_whose(subjects.get((read.subject_type, read.subject_id))),
            fields=[
                field_names.get((read.subject_type, f)) or str(AUDIT_FIELDS.get(f, f))
                for f in read.fields.split(",")
                if f
            ],
            via=read.get_via_display(),
        )
        for read in reads
    ]
