"""Speaking to a person in their language.

A person's language is stored as `core.categories.Language` (the languages people in a neighbourhood
speak, "zh" for Chinese among them); the site's catalogues are named as Django names them ("zh-hans" for
Simplified Chinese). Every notice, e-mail and text switches language through `speaking`, so a member or
texter who chose Chinese reads Chinese, and a language without a catalogue reads English.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import translation

# A person's language -> the site language whose catalogues speak it.
SITE_LANGUAGE = {"zh": "zh-hans"}
PERSON_LANGUAGE = {site: person for person, site in SITE_LANGUAGE.items()}


def site_language(language: str | None) -> str | None:
    """The site language code for a person's stored language (None stays None: the current language)."""
    if not language:
        return None
    return SITE_LANGUAGE.get(language, language)


def speaking(language: str | None) -> translation.override:
    """`translation.override` for a person's stored language."""
    return translation.override(site_language(language))


# What separates the items of a list in running text: Arabic writes its own comma, Chinese the enumeration
# comma (顿号); the other languages of the site a Latin comma.
LIST_SEPARATORS = {"ar": "، ", "zh-hans": "、"}


def list_separator() -> str:
    """The current language's list separator."""
    return LIST_SEPARATORS.get((translation.get_language() or "").lower(), ", ")


def join_list(values: Iterable[object]) -> str:
    """`values` as a list in running text, in the current language ("a, b"; "a، b"; "a、b"): every list a
    person reads is joined here, never with `", ".join` (English-only)."""
    return list_separator().join(str(value) for value in values)
