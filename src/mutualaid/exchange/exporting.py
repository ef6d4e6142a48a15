"""Exporting a group's needs and offers (coordinators only). Personal fields only when asked for."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from mutualaid.core.audit import record_read
from mutualaid.exchange.models import Post
from mutualaid.groups.models import Group
from mutualaid.members.models import User

BASE_FIELDS = (
    "id",
    "kind",
    "category",
    "title",
    "details",
    "quantity",
    "unit",
    "urgency",
    "status",
    "area",
    "lat",
    "lon",
    "languages",
    "recurring",
    "window_start",
    "window_end",
    "max_km",
    "visibility",
    "created_at",
    "closed_at",
    "posted_by",
)
PERSONAL_FIELDS = (
    "contact_name",
    "contact_phone",
    "contact_email",
    "address",
    "private_note",
    "household_size",
)


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def rows(group: Group, *, personal: bool) -> Iterator[dict[str, Any]]:
    posts = Post.objects.filter(group=group).select_related("author", "contact").order_by("id")
    if not personal:
        posts = posts.defer("address", "private_note")
    for post in posts.iterator(chunk_size=2000):
        row: dict[str, Any] = {
            "id": post.pk,
            "kind": post.kind,
            "category": post.category,
            "title": post.title,
            "details": post.details,
            "quantity": post.quantity,
            "unit": post.unit,
            "urgency": post.urgency,
            "status": post.status,
            "area": post.area,
            "lat": post.lat,
            "lon": post.lon,
            "languages": post.languages,
            "recurring": post.recurring,
            "window_start": _iso(post.window_start),
            "window_end": _iso(post.window_end),
            "max_km": post.max_km,
            "visibility": post.visibility,
            "created_at": _iso(post.created_at),
            "closed_at": _iso(post.closed_at),
            "posted_by": post.author.display_name if post.author else "",
        }
        if personal:
            contact = post.contact
            row.update(
                {
                    "contact_name": contact.name if contact else "",
                    "contact_phone": contact.phone if contact else "",
                    "contact_email": contact.email if contact else "",
                    "address": post.address,
                    "private_note": post.private_note,
                    "household_size": contact.household_size if contact else None,
                }
            )
        yield row


def audit_export(*, reader: User, group: Group, personal: bool) -> None:
    if personal:
        record_read(
            reader=reader, subject=group, fields=["export:" + ",".join(PERSONAL_FIELDS)], group_id=group.pk
        )


def to_json(group: Group, *, personal: bool) -> str:
    return json.dumps(
        {"group": group.slug, "posts": list(rows(group, personal=personal))}, ensure_ascii=False
    )


def _safe_cell(value: Any) -> Any:
    # A cell starting with = + - @ is a formula to a spreadsheet program (CSV injection): make it text.
    if isinstance(value, list):
        value = ", ".join(value)
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


def to_csv(group: Group, *, personal: bool) -> str:
    out = io.StringIO()
    fields = BASE_FIELDS + (PERSONAL_FIELDS if personal else ())
    writer = csv.DictWriter(out, fieldnames=fields)
    writer.writeheader()
    for row in rows(group, personal=personal):
        writer.writerow({k: _safe_cell(v) for k, v in row.items()})
    return out.getvalue()
