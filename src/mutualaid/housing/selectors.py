"""Reads for housing, scoped to the asker: coordinators see the group's offers and stays; a member sees
only their own offers and the stays they host or are a guest of. Reading an address someone else gave
is audited (core.audit)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from mutualaid.core.audit import record_read
from mutualaid.groups.models import Group
from mutualaid.housing.models import LIVE_STATES, Offer, Stay, StayState
from mutualaid.members.models import User


def offers_for(group: Group, user: User, *, coordinator: bool) -> QuerySet[Offer]:
    offers = Offer.objects.filter(group=group).select_related("host").order_by("-active", "pk")
    return offers if coordinator else offers.filter(host=user)


def stays_for(group: Group, user: User, *, coordinator: bool) -> QuerySet[Stay]:
    stays = Stay.objects.filter(offer__group=group).select_related("offer", "guest")
    if not coordinator:
        stays = stays.filter(Q(offer__host=user) | Q(guest=user))
    return stays.order_by("-pk")


def is_free(offer: Offer) -> bool:
    return offer.active and not offer.stays.filter(state__in=LIVE_STATES).exists()


def address_for(stay: Stay, user: User, *, coordinator: bool) -> str | None:
    """The exact address, for whoever may read it now: the host, a coordinator, or the guest once the
    stay is arranged. Every read by someone other than the host leaves an audit row."""
    offer = stay.offer
    may = (
        user.pk == offer.host_id
        or coordinator
        or (user.pk == stay.guest_id and stay.state == StayState.CONFIRMED)
    )
    if not may:
        return None
    if user.pk != offer.host_id:
        record_read(reader=user, subject=offer, fields=["address"], group_id=offer.group_id)
    return offer.address or ""


def offer_address(offer: Offer, user: User) -> str:
    """The address on an offer's own page (host or coordinator; audited unless the host reads)."""
    if user.pk != offer.host_id:
        record_read(reader=user, subject=offer, fields=["address"], group_id=offer.group_id)
    return offer.address or ""
