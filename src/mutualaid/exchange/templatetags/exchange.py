from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from mutualaid.exchange.models import Status, Urgency

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
