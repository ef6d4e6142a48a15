from __future__ import annotations

import datetime
import functools
from typing import Any

from django import forms, template
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import formats, translation
from django.utils.safestring import SafeString

from mutualaid.core import speaking
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


def named_format(name: str) -> str:
    """The active language's format called `name`: Django's own (``MONTH_DAY_FORMAT``…) or the site's
    (``DAY_TIME_FORMAT``, ``WEEKDAY_DAY_FORMAT``, ``WEEKDAY_DAY_TIME_FORMAT``), for `date_format`."""
    if name in formats.FORMAT_SETTINGS:
        return name
    return _named_format(translation.get_language() or settings.LANGUAGE_CODE, name)


@functools.lru_cache(maxsize=64)
def _named_format(language: str, name: str) -> str:
    for lang in (language, settings.LANGUAGE_CODE):
        for module in formats.iter_format_modules(lang, settings.FORMAT_MODULE_PATH):
            found = getattr(module, name, None)
            if isinstance(found, str):
                return found
    raise template.TemplateSyntaxError(f"No date format named {name}")


@register.filter(expects_localtime=True)
def local_date(value: datetime.date | None, name: str) -> str:
    """A date in one of the site's own named formats (``DAY_TIME_FORMAT``, ``WEEKDAY_DAY_FORMAT``), read from the
    language's formats module (``core/formats/<language>/formats.py``) like Django's own ``DATE_FORMAT``: templates
    never write a format of their own, which reads wrongly in another language ("5 12月 2026")."""
    if not value:
        return ""
    return formats.date_format(
        value, _named_format(translation.get_language() or settings.LANGUAGE_CODE, name)
    )


@register.simple_tag
def list_separator() -> str:
    """The language's list separator, for a template loop: ``{% if not forloop.last %}{% list_separator %}``."""
    return speaking.list_separator()


@register.filter
def join_list(values: Any) -> str:
    """``values`` as a list in running text, with the language's separator (``join:", "`` is English-only)."""
    return speaking.join_list(values)


# Rendered filter and search forms, per process: (form class, prefix, language, submitted values) -> HTML.
# Widget rendering goes through the form renderer's templates, field by field, and was the largest single
# cost of the board and directory pages; these forms have fixed fields and choices, so the same key
# always renders the same HTML. Bounded, since the submitted values come from the query string: a plain dict
# emptied when full, which a second thread (gunicorn's threads) can never find half-reordered.
_FORM_HTML: dict[tuple[Any, ...], SafeString] = {}
_FORM_HTML_MAX = 512


@register.simple_tag
def fixed_form(form: forms.Form) -> SafeString:
    """``core/_form.html`` for a form whose fields and choices never change (filters, searches).

    Only for forms built from the submitted data alone: no per-member choices or initial values."""
    values: tuple[tuple[str, tuple[str, ...]], ...] | None = None
    if form.is_bound:
        data = form.data
        values = tuple(
            (
                name,
                tuple(str(v) for v in data.getlist(key))
                if hasattr(data, "getlist")
                else (str(data.get(key)),),
            )
            for name in form.fields
            for key in [form.add_prefix(name)]
        )
    key = (type(form), form.prefix, tuple(form.fields), translation.get_language(), values)
    html = _FORM_HTML.get(key)
    if html is None:
        html = render_to_string("core/_form.html", {"form": form})
        if len(_FORM_HTML) >= _FORM_HTML_MAX:
            _FORM_HTML.clear()
        _FORM_HTML[key] = html
    return html
