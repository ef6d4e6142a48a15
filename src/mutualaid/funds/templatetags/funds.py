from __future__ import annotations

from django import template

from mutualaid.funds.money import format_money

register = template.Library()


@register.filter
def money(amount: int | None, currency: str) -> str:
    return format_money(int(amount or 0), currency)
