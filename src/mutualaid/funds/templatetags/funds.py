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
    """A directory result's public funds. The first card looks up every result's funds in one query;
    the answer is kept on the request (each card is its own include, with a fresh render context)."""
    from mutualaid.funds.selectors import public_funds_by_group

    holder = getattr(context, "request", None) or group
    found: dict[int, list[Any]] = getattr(holder, "_funds_public_by_group", {})
    if group.pk not in found:
        search = context.get("search")
        ids = [r.group.pk for r in getattr(search, "results", None) or [] if r.group.pk not in found]
        if group.pk not in ids:
            ids.append(group.pk)
        by_group = public_funds_by_group(ids)
        found = found | {pk: by_group.get(pk, []) for pk in ids}
        holder._funds_public_by_group = found
    return list(found[group.pk])
