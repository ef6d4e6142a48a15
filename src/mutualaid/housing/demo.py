"""Demo housing: ben offers a spare room in Crown Heights (coordinators only ever see it)."""

from __future__ import annotations

from django.db import transaction

from mutualaid.groups.models import Group
from mutualaid.housing import services
from mutualaid.housing.models import Offer
from mutualaid.members.models import User


@transaction.atomic
def load() -> None:
    crown = Group.objects.get(slug="crown-heights")
    host = User.objects.filter(username="ben").first()
    if host is None or Offer.objects.filter(group=crown).exists():
        return
    services.offer_create(
        group=crown,
        host=host,
        data=services.OfferInput(
            kind="room",
            max_nights=5,
            address="245 Kingston Ave, apt 3R, Brooklyn",
            who="One adult or a parent with a small child",
            accessibility="Third floor, no elevator",
            pets="A cat lives here; no guests' pets",
            languages="English, Spanish",
        ),
    )
