"""Exporting a group's needs and offers (coordinators only). Personal fields only when asked for."""

from __future__ import annotations

import csv
import io
import json
import re
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
    "contact_note",
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
                    "contact_note": contact.note if contact else "",
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


# A phone number as people write it: an optional +, digits, spaces, dots, hyphens, parentheses. To a
# spreadsheet "+1 347 555 0199" is at worst arithmetic on constants: no function, no cell reference, no
# DDE command (what CSV injection needs), so it is written as it is, without a visible apostrophe.
PHONE_LIKE = re.compile(r"\+?[0-9][0-9 ().\-]{4,30}")


def _flat(value: Any) -> Any:
    if isinstance(value, list):
        value = ", ".join(value)
    return "" if value is None else value


def _safe_cell(value: Any) -> Any:
    # A cell starting with = + - @ is a formula to a spreadsheet program (CSV injection): make it text.
    value = _flat(value)
    if (
        isinstance(value, str)
        and value[:1] in ("=", "+", "-", "@", "\t", "\r")
        and not PHONE_LIKE.fullmatch(value)
    ):
        return "'" + value
    return value


def to_csv(group: Group, *, personal: bool, bom: bool = False) -> str:
    out = io.StringIO()
    if bom:
        # Excel opens a CSV as the local code page unless it starts with the UTF-8 byte-order mark.
        out.write("\ufeff")
    fields = BASE_FIELDS + (PERSONAL_FIELDS if personal else ())
    writer = csv.DictWriter(out, fieldnames=fields)
    writer.writeheader()
    for row in rows(group, personal=personal):
        writer.writerow({k: _safe_cell(v) for k, v in row.items()})
    return out.getvalue()


def to_xlsx(group: Group, *, personal: bool) -> bytes:
    """The same rows as an Excel workbook. Every text cell is stored as text (never as a formula), so
    phone numbers keep their + and leading zeros, and "=HYPERLINK(…)" stays words."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet("posts")
    fields = BASE_FIELDS + (PERSONAL_FIELDS if personal else ())
    sheet.append(list(fields))
    for row in rows(group, personal=personal):
        cells = []
        for name in fields:
            value = _flat(row.get(name))
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
