from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.conftest import enable_totp, make_user
from tests.helpers import HERE, make_post

# Words planted in everything that must never be published; a test searches every answer for them.
SECRETS = (
    "Hidden Tenants Union",  # an unlisted group's name
    "hidden-tenants",
    "Secret basement pantry",  # a members-only hub's name
    "12 Secret Lane",  # its sealed address
    "Locked cupboard",  # a members-only hub's note on what it takes
    "Unlisted fridge",  # a public hub of an unlisted group
    "99 Quiet Street",  # its address
    "Retired fridge",  # a hub no longer in use
    "Need for insulin",  # a need's title
    "Drill to lend",  # an offer's title
    "call me at 555-0142",  # an offer's details
    "4 Private Road",  # an offer's exact address
    "Whispered note",  # a private note
    "Neighbour Nadia",  # a neighbour's name
    "555-0199",  # a neighbour's phone
    '"ben"',  # member usernames, as values
    '"ada"',
    '"hil"',
)


@dataclass
class World:
    crown: Any
    bush: Any
    hidden: Any
    fridge: Any
    pantry: Any
    backroom: Any
    offer: Any


@pytest.fixture
def world(crown: Any, bush: Any, ada: Any, ben: Any) -> World:
    """Public data (two listed groups, a public fridge with hours, a public pantry open at all hours) and
    private data of every kind around it."""
    from mutualaid.exchange.services import ContactInput
    from mutualaid.groups.models import Group
    from mutualaid.groups.services import area_add
    from mutualaid.hubs import services as hubs
    from mutualaid.members.models import Membership

    crown.description = "Neighbours in Crown Heights sharing food and rides."
    crown.how_to_join = "Come to a meeting on Thursdays."
    crown.save()
    area_add(group=crown, name="Wingate", lat=40.66, lon=-73.94, postal_code="11225")
    hidden = Group.objects.create(name="Hidden Tenants Union", slug="hidden-tenants", listed=False)
    hil = make_user("hil")
    Membership.objects.create(user=hil, group=hidden, role="coordinator")
    enable_totp(hil)
    fridge = hubs.hub_create(
        group=crown,
        actor=ada,
        data=hubs.HubInput(
            name="Franklin Ave fridge",
            public=True,
            address="801 Franklin Ave, Brooklyn",
            area="11216",
            hours="mon-fri 09:00-17:00\nsat 10:00-12:00, 14:00-16:00",
            accessibility="Step-free, lit at night",
            takes="Fresh produce",
            refuses="Raw meat",
        ),
    )
    pantry = hubs.hub_create(
        group=crown, actor=ada, data=hubs.HubInput(name="Dean St pantry", kind="pantry", area="11216")
    )
    backroom = hubs.hub_create(
        group=crown,
        actor=ada,
        data=hubs.HubInput(
            name="Secret basement pantry",
            kind="pantry",
            public=False,
            address="12 Secret Lane",
            area="11216",
            takes="Locked cupboard",
        ),
    )
    hubs.hub_create(
        group=crown,
        actor=ada,
        data=hubs.HubInput(name="Retired fridge", address="7 Old Road", area="11216", active=False),
    )
    hubs.hub_create(
        group=hidden,
        actor=hil,
        data=hubs.HubInput(name="Unlisted fridge", address="99 Quiet Street", area="11216"),
    )
    make_post(crown, ben, "Need for insulin", place=HERE, private_note="Whispered note")
    offer = make_post(
        crown,
        ben,
        "Drill to lend",
        kind="offer",
        category="supplies",
        quantity=2,
        details="call me at 555-0142",
        address="4 Private Road",
        place=HERE,
    )
    make_post(
        crown,
        ada,
        "Need for insulin",
        on_behalf=ContactInput(name="Neighbour Nadia", phone="+1 212 555 0199"),
        place=HERE,
    )
    return World(
        crown=crown, bush=bush, hidden=hidden, fridge=fridge, pantry=pantry, backroom=backroom, offer=offer
    )
