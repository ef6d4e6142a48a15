"""Reads for open data: only what is public already (listed groups, active public hubs of listed groups,
offers a listed group chose to publish). Every export in this app goes through these functions."""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from mutualaid.core.env import env_str
from mutualaid.exchange.models import Kind, Post, Status, Visibility
from mutualaid.groups.models import Group
from mutualaid.hubs.models import Hub
from mutualaid.opendata import cache, hsds
from mutualaid.opendata.models import Publishing

PER_PAGE = 50
PER_PAGE_MAX = 200


def base_url(request: HttpRequest) -> str:
    """The install's public address: MUTUALAID_PUBLIC_URL when set (stable ids behind any proxy),
    otherwise the address this request came to (the host is one of MUTUALAID_ALLOWED_HOSTS)."""
    configured = env_str("MUTUALAID_PUBLIC_URL", "").strip().rstrip("/")
    return configured or request.build_absolute_uri("/").rstrip("/")


def listed_groups() -> list[Group]:
    return list(Group.objects.filter(listed=True).prefetch_related("areas").order_by("pk"))


def public_hubs() -> list[Hub]:
    return list(
        Hub.objects.filter(public=True, active=True, group__listed=True)
        .select_related("group")
        .order_by("pk")
    )


def build_directory(base: str) -> hsds.Directory:
    """Every HSDS record of this install's public directory, built now (seconds for a large install)."""
    return hsds.build(base_url=base, groups=listed_groups(), hubs=public_hubs())


def directory(request: HttpRequest) -> hsds.Directory:
    """Every HSDS record of this install's public directory: the shared cached build (see cache.py)."""
    base = base_url(request)
    return cache.directory(base, lambda: build_directory(base))


def publishes_offers(group: Group) -> bool:
    return group.listed and Publishing.objects.filter(group=group, publish_offers=True).exists()


def published_offers(group: Group) -> list[Post]:
    """Open offers of a listed group that publishes them: never needs, never coordinators-only posts."""
    if not publishes_offers(group):
        return []
    return list(
        Post.objects.filter(group=group, kind=Kind.OFFER, status=Status.OPEN, visibility=Visibility.GROUP)
        .only(
            "pk", "group", "category", "quantity", "area", "cell", "window_start", "window_end", "created_at"
        )
        .order_by("-created_at", "-pk")[:500]
    )


# --- HSDS API query conventions ----------------------------------------------------------------------


class BadQuery(ValueError):
    pass


def parse_modified_after(text: str) -> datetime.datetime | None:
    if not text:
        return None
    when = parse_datetime(text)
    if when is None:
        day = parse_date(text)
        if day is None:
            raise BadQuery(_("modified_after must be an ISO 8601 date or date-time, such as 2026-03-01."))
        when = datetime.datetime.combine(day, datetime.time())
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.UTC)
    return when


def matches(record: dict[str, Any], search: str) -> bool:
    needle = search.casefold().strip()
    if not needle:
        return True
    text = " ".join(str(record.get(k, "")) for k in ("name", "alternate_name", "description"))
    return needle in text.casefold()


def modified_since(record: dict[str, Any], since: datetime.datetime | None) -> bool:
    if since is None:
        return True
    stamp = parse_datetime(record.get("last_modified", "") or "")
    return stamp is not None and stamp >= since


@dataclass(frozen=True)
class PageRequest:
    page: int
    per_page: int


def page_request(page: str, per_page: str) -> PageRequest:
    try:
        number = int(page or 1)
        size = int(per_page or PER_PAGE)
    except ValueError as exc:
        raise BadQuery(_("page and per_page must be whole numbers.")) from exc
    if number < 1 or size < 1:
        raise BadQuery(_("page and per_page start at 1."))
    return PageRequest(page=number, per_page=min(size, PER_PAGE_MAX))


def paginate(items: list[dict[str, Any]], request: PageRequest) -> dict[str, Any]:
    """The HSDS API page: total_items, total_pages, page_number, size, first_page, last_page, empty, contents."""
    total = len(items)
    pages = max(1, math.ceil(total / request.per_page))
    start = (request.page - 1) * request.per_page
    contents = items[start : start + request.per_page]
    return {
        "total_items": total,
        "total_pages": pages,
        "page_number": request.page,
        "size": len(contents),
        "first_page": request.page == 1,
        "last_page": request.page >= pages,
        "empty": not contents,
        "contents": contents,
    }
