"""Who referrals tell what: the receiving group's coordinators of an offer; the coordinator who referred
a need of how it ended. A notice names the category and the other group, never the need's words."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils.translation import gettext_lazy

from mutualaid.core.notify import notify
from mutualaid.members.models import Membership, Role

if TYPE_CHECKING:
    from mutualaid.peers.models import Referral

NOTICE_KINDS: dict[str, tuple[Any, Any]] = {
    "referral_offered": (
        gettext_lazy("A need was referred to %(group)s"),
        gettext_lazy(
            "%(other)s, on another server, asks whether %(group)s can meet a need (%(title)s). %(url)s"
        ),
    ),
    "referral_referred": (
        gettext_lazy("Referred: a need went to %(other)s"),
        gettext_lazy(
            "%(other)s accepted the need (%(title)s) you referred; its details went to them. %(url)s"
        ),
    ),
    "referral_returned": (
        gettext_lazy("A referred need came back to %(group)s"),
        gettext_lazy("%(other)s did not take the need (%(title)s): it is open again in %(group)s. %(url)s"),
    ),
}


def _context(referral: Referral) -> dict[str, Any]:
    from mutualaid.core.categories import Category

    return {
        "group": referral.group.name,
        "other": referral.other_name,
        "title": str(Category(referral.category).label),
        "url": reverse("referrals_detail", args=[referral.group.slug, referral.uid]),
    }


def offered(referral: Referral) -> None:
    for membership in Membership.objects.filter(group=referral.group, role=Role.COORDINATOR).select_related(
        "user"
    ):
        notify(user=membership.user, kind="referral_offered", context=_context(referral))


def ended(referral: Referral, kind: str) -> None:
    """Tell the coordinator who referred the need (the actor of its first event)."""
    first = referral.events.filter(action="offered").select_related("actor").first()
    if first is not None and first.actor is not None:
        notify(user=first.actor, kind=kind, context=_context(referral))
