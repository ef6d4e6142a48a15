"""`{% peer_directory request %}`: the groups of linked servers matching the directory search."""

from __future__ import annotations

from typing import Any

from django import template

from mutualaid.core.categories import Category
from mutualaid.peers import directory

register = template.Library()


@register.inclusion_tag("peers/_directory_peers.html")
def peer_directory(request: Any) -> dict[str, Any]:
    query = str(request.GET.get("q", ""))[:200]
    category = str(request.GET.get("category", ""))
    if category not in Category.values:
        category = ""
    language = str(request.GET.get("language", ""))[:10]
    return {"peer_groups": directory.search(query=query, category=category, language=language)}
