from __future__ import annotations

from typing import Any

from django import template

from mutualaid.funds.money import format_money

register = template.Library()


@register.filter
def money(amount: int | None, currency: str) -> str:
    return format_money(int(amount or 0), currency)


@register.simple_tag
def public_funds(group: Any) -> list[Any]:
    """A group's public funds, for its public page."""
    from mutualaid.funds.selectors import funds_public

    return list(funds_public(group))


@register.simple_tag(takes_context=True)
def directory_public_funds(context: template.Context, group: Any) -> list[Any]:
    """A directory result's public funds. The first card looks up every result's funds in one query."""
    from mutualaid.funds.selectors import public_funds_by_group

    cache = context.render_context.get("funds_public_by_group")
    if cache is None or group.pk not in cache["asked"]:
        search = context.get("search")
        ids = [r.group.pk for r in getattr(search, "results", None) or []] or [group.pk]
        if group.pk not in ids:
            ids.append(group.pk)
        cache = {"asked": set(ids), "found": public_funds_by_group(ids)}
        context.render_context["funds_public_by_group"] = cache
    return list(cache["found"].get(group.pk, []))
