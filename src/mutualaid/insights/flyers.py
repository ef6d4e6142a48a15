"""Printable flyers: how to ask a group for help by text message or on the web, in each installed
language, with a QR code of the web address (segno's SVG, inline: nothing from another origin).

The group's text number and keywords belong to the channels app, which sits above this one: it
registers a provider here when it loads (`register_texting`), so insights never imports channels.
Without a provider, or without an SMS gateway, the flyer gives the web address only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import segno
from django.utils.html import format_html
from django.utils.safestring import SafeString

from mutualaid.groups.models import Group


@dataclass(frozen=True)
class Texting:
    number: str  # the group's SMS number, as people dial it
    need: str  # keyword that starts asking for help, in the flyer's language
    help: str  # keyword that answers with what the number can do
    stop: str  # keyword that stops all messages


TextingProvider = Callable[[Group, str], Texting | None]
_providers: list[TextingProvider] = []


def register_texting(provider: TextingProvider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def texting(group: Group, language: str) -> Texting | None:
    for provider in _providers:
        found = provider(group, language)
        if found is not None:
            return found
    return None


def qr_svg(url: str, *, title: str) -> SafeString:
    """The QR code of `url` as inline SVG (no style attribute: the strict CSP holds)."""
    svg = segno.make(url, error="m").svg_inline(scale=4, omitsize=False, svgclass=None, lineclass=None)
    # segno writes the SVG itself from our own URL; the title is escaped here.
    return format_html(
        '<figure class="qr" role="img" aria-label="{}">{}</figure>',
        title,
        SafeString(svg),
    )
