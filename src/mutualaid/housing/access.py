"""Access helpers for housing, one call each: fetch an offer or a stay and check the asker may see it.

An offer exists only for its host and the group's coordinators (with a second factor); a stay only for
those and its guest. Everyone else gets 404, members of the group included: housing is never on the
board.
"""

from __future__ import annotations

from django.http import Http404

from mutualaid.groups.access import get_group_for_member
from mutualaid.housing.models import Offer, Stay
from mutualaid.housing.services import is_coordinator
from mutualaid.members.models import User


def get_offer(user: User, slug: str, offer_id: int) -> tuple[Offer, bool]:
    """The offer and whether the asker sees it as a coordinator."""
    group, _membership = get_group_for_member(user, slug)
    offer = Offer.objects.select_related("group", "host").filter(group=group, pk=offer_id).first()
    if offer is None:
        raise Http404
    coordinator = is_coordinator(user, group.pk)
    if not coordinator and offer.host_id != user.pk:
        raise Http404
    return offer, coordinator


def get_stay(user: User, slug: str, stay_id: int) -> tuple[Stay, bool]:
    """The stay and whether the asker sees it as a coordinator (host and guest see it too)."""
    group, _membership = get_group_for_member(user, slug)
    stay = (
        Stay.objects.select_related("offer__group", "offer__host", "guest", "need")
        .filter(offer__group=group, pk=stay_id)
        .first()
    )
    if stay is None:
        raise Http404
    coordinator = is_coordinator(user, group.pk)
    if not coordinator and user.pk not in (stay.offer.host_id, stay.guest_id):
        raise Http404
    return stay, coordinator
