from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from mutualaid.exchange.models import Post, Status, Urgency

register = template.Library()


@register.filter
def event_label(action: str) -> str:
    """A history entry's action in the reader's language."""
    return {
        "post": _("posted"),
        "claim": _("claimed"),
        "accept": _("accepted the claim"),
        "decline": _("declined the claim"),
        "assign": _("assigned"),
        "release": _("released the claim"),
        "fulfil": _("marked fulfilled"),
        "withdraw": _("withdrew"),
        "expire": _("expired"),
        "renew": _("renewed"),
        "remind": _("expiry reminder"),
        "import": _("imported from a spreadsheet"),
        "edit": _("edited"),
        "contact_edit": _("changed the neighbour's details"),
    }.get(action, action)


@register.filter
def status_label(code: str) -> str:
    try:
        return str(Status(code).label)
    except ValueError:
        return code


@register.filter
def urgency_label(code: str) -> str:
    try:
        return str(Urgency(code).label)
    except ValueError:
        return code


# Board cards, per process, keyed on everything a card shows: the same post as the same reader language
# renders the same HTML for every member, so a busy board renders each card once instead of on every view.
# A plain dict emptied when full (the newest posts are rendered again at the next view): no reordering on
# every hit, and nothing that a second thread could find half-moved.
_CARDS: dict[tuple[Any, ...], SafeString] = {}
_CARDS_MAX = 4096


def _card_key(post: Post, slug: str, language: str | None, zone: str) -> tuple[Any, ...]:
    return (
        post.pk,
        slug,
        post.title,
        post.kind,
        post.category,
        post.urgency,
        post.status,
        post.quantity,
        post.unit,
        post.area,
        post.area_unplaced,
        post.created_at,
        tuple(post.languages or ()),
        language,
        zone,
    )


def _card(post: Post, slug: str, language: str | None, zone: str) -> SafeString:
    key = _card_key(post, slug, language, zone)
    html = _CARDS.get(key)
    if html is None:
        html = render_to_string("exchange/_board_card.html", {"post": post, "group": {"slug": slug}})
        if len(_CARDS) >= _CARDS_MAX:
            _CARDS.clear()
        _CARDS[key] = html
    return html


@register.simple_tag
def board_card(post: Post, slug: str) -> SafeString:
    """``exchange/_board_card.html`` for ``post``, rendered once per distinct content and language."""
    return _card(post, slug, translation.get_language(), timezone.get_current_timezone_name())


@register.simple_tag
def board_cards(posts: list[Post], slug: str) -> SafeString:
    """The board's cards, each on a line of its own: ``{% for post in posts %}\n{% board_card post slug %}``
    with the language and time zone looked up once for the page instead of once per card."""
    language, zone = translation.get_language(), timezone.get_current_timezone_name()
    return mark_safe("".join(f"\n{_card(post, slug, language, zone)}" for post in posts))  # noqa: S308
