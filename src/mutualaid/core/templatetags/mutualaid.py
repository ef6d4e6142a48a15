from __future__ import annotations

from django import template

from mutualaid.core.categories import Category, Language

register = template.Library()


@register.filter
def category_label(code: str) -> str:
    try:
        return str(Category(code).label)
    except ValueError:
        return str(Category.OTHER.label)


@register.filter
def language_label(code: str) -> str:
    try:
        return str(Language(code).label)
    except ValueError:
        return code
