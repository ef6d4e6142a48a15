from __future__ import annotations

from collections import OrderedDict
from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString
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
_CARDS: OrderedDict[tuple[Any, ...], SafeString] = OrderedDict()
_CARDS_MAX = 4096


@register.simple_tag
def board_card(post: Post, slug: str) -> SafeString:
    """``exchange/_board_card.html`` for ``post``, rendered once per distinct content and language."""
    key = (
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
        post.created_at,
        tuple(post.languages or ()),
        translation.get_language(),
        timezone.get_current_timezone_name(),
    )
    html = _CARDS.get(key)
    if html is None:
        html = render_to_string("exchange/_board_card.html", {"post": post, "group": {"slug": slug}})
        _CARDS[key] = html
        if len(_CARDS) > _CARDS_MAX:
            _CARDS.popitem(last=False)
    else:
        _CARDS.move_to_end(key)
    return html
