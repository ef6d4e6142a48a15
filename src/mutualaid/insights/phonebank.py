"""The phone-bank sheet: the group's open needs, for volunteers who call people back.

Coarse by default (category, area as posted, urgency, languages, how the need came in, how old it
is): nothing that names the person. A coordinator may choose to print names and numbers; each
person's details read that way leave a row in the group's audit of private reads (`core.audit`), as
every other read of someone's contact details does.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone

from mutualaid.core.audit import record_read
from mutualaid.core.models import ReadVia
from mutualaid.exchange.models import Kind, Post, Status, Urgency
from mutualaid.groups.models import Group
from mutualaid.members.models import User

LIMIT = 200  # one sheet: more than a phone bank gets through in an evening

# The number of a neighbour who texted their request in is kept by the texting app (channels), which
# registers how to find it: `texter(post)` -> (the record read, for the audit, and the number) or None.
Texter = Callable[[Post], "tuple[Any, str] | None"]
_texter: Texter | None = None


def register_texter(texter: Texter) -> None:
    global _texter
    _texter = texter


@dataclass(frozen=True)
class Line:
    number: int
    post_id: int
    made: datetime.date
    days_open: int
    category: str
    area: str
    urgency: str
    languages: list[str]
    source: str  # web | sms | intake | import
    name: str = ""
    phone: str = ""
    title: str = ""


def _source(post: Post) -> str:
    if post.imported:
        return "import"
    if post.contact is not None:
        return "sms" if post.contact.source == "sms" else "intake"
    return "web"


def open_needs(group: Group) -> list[Post]:
    order = Case(
        When(urgency=Urgency.TODAY, then=Value(0)),
        When(urgency=Urgency.WEEK, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return list(
        Post.objects.filter(group=group, kind=Kind.NEED, status=Status.OPEN)
        .select_related("contact", "author")
        .annotate(order=order)
        .order_by("order", "created_at", "pk")[:LIMIT]
    )


def sheet(group: Group, *, reader: User, exact: bool) -> list[Line]:
    """The lines of the sheet; with `exact`, names and numbers too, each person's read audited."""
    today = timezone.localdate()
    lines = []
    for number, post in enumerate(open_needs(group), start=1):
        made = timezone.localtime(post.created_at).date()
        line = Line(
            number=number,
            post_id=post.pk,
            made=made,
            days_open=(today - made).days,
            category=post.get_category_display(),
            area=post.area,
            urgency=post.get_urgency_display(),
            languages=list(post.languages or []),
            source=_source(post),
        )
        if exact:
            line = _exact(line, post, reader=reader, group=group)
        lines.append(line)
    return lines


def _exact(line: Line, post: Post, *, reader: User, group: Group) -> Line:
    name, phone = "", ""
    contact, author = post.contact, post.author
    texted = _texter(post) if _texter is not None and not (contact is not None and contact.phone) else None
    if texted is not None:
        subject, phone = texted
        record_read(
            reader=reader, subject=subject, fields=["phone"], group_id=group.pk, via=ReadVia.PHONE_BANK
        )
        name = (contact.name or "") if contact is not None else ""
    elif contact is not None:
        name, phone = contact.name or "", contact.phone or ""
        record_read(
            reader=reader,
            subject=contact,
            fields=["name", "phone"],
            group_id=group.pk,
            via=ReadVia.PHONE_BANK,
        )
    elif author is not None:
        name, phone = str(author), author.phone or ""
        record_read(
            reader=reader, subject=author, fields=["phone"], group_id=group.pk, via=ReadVia.PHONE_BANK
        )
    return Line(**{**line.__dict__, "name": name, "phone": phone, "title": post.title or ""})
