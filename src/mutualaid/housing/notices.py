"""What housing tells people, through the core notification port. A notice never carries an address
or the host's rules: it names the group and links to the page, where access is checked again."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils.translation import gettext_lazy

from mutualaid.core.notify import notify
from mutualaid.members.models import Membership, Role

if TYPE_CHECKING:
    from mutualaid.housing.models import Stay

NOTICE_KINDS: dict[str, tuple[Any, Any]] = {
    "housing_host_asked": (
        gettext_lazy("A stay is proposed at your place"),
        gettext_lazy(
            "A coordinator of %(group)s proposes a stay at your place. Please agree or decline: %(url)s"
        ),
    ),
    "housing_confirm_needed": (
        gettext_lazy("A stay needs a second coordinator"),
        gettext_lazy(
            "A stay in %(group)s was proposed and needs a second coordinator to confirm it: %(url)s"
        ),
    ),
    "housing_stay_arranged": (
        gettext_lazy("Your stay is arranged"),
        gettext_lazy("Your stay with %(group)s is arranged. The details are here: %(url)s"),
    ),
    "housing_checkin_due": (
        gettext_lazy("A stay is due a check-in"),
        gettext_lazy("A stay in %(group)s is due a check-in: %(url)s"),
    ),
}


def _url(stay: Stay) -> str:
    return reverse("housing_stay", kwargs={"slug": stay.offer.group.slug, "stay_id": stay.pk})


def coordinators(stay: Stay, kind: str, *, but: int | None = None) -> int:
    told = 0
    memberships = Membership.objects.filter(
        group_id=stay.offer.group_id, role=Role.COORDINATOR
    ).select_related("user")
    for membership in memberships:
        if membership.user_id == but:
            continue
        notify(user=membership.user, kind=kind, context={"group": stay.offer.group.name, "url": _url(stay)})
        told += 1
    return told


def person(stay: Stay, user: Any, kind: str) -> None:
    notify(user=user, kind=kind, context={"group": stay.offer.group.name, "url": _url(stay)})
