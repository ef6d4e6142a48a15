"""Demo hubs: a public community fridge in Crown Heights (reported empty, so its restock need is on
the board), a members-only pantry there, and a public fridge in Bushwick."""

from __future__ import annotations

from django.db import transaction

from mutualaid.groups.models import Group
from mutualaid.hubs import services
from mutualaid.hubs.models import Hub, Movement, MovementKind, StockItem


def _hub(group: Group, data: services.HubInput) -> Hub:
    # Built from the same cleaning as hub_create, without a coordinator: the demo may run before any
    # coordinator has a second factor.
    hub = Hub(group=group, **services.hub_values(group, data))
    hub.full_clean()
    hub.save()
    return hub


@transaction.atomic
def load() -> None:
    crown = Group.objects.get(slug="crown-heights")
    bushwick = Group.objects.get(slug="bushwick")
    if Hub.objects.filter(group__in=[crown, bushwick]).exists():
        return
    fridge = _hub(
        crown,
        services.HubInput(
            name="Franklin Avenue community fridge",
            kind="fridge",
            public=True,
            address="801 Franklin Ave, Brooklyn (outside the laundromat)",
            area="40.6712, -73.9577",
            accessibility="On the sidewalk, step-free; lit at night.",
            takes="Fresh produce, bread, sealed and labelled home cooking",
            refuses="Raw meat, alcohol, opened packets",
            restock_quantity=5,
            restock_unit="bags of groceries",
        ),
    )
    pantry = _hub(
        crown,
        services.HubInput(
            name="Church basement pantry",
            kind="pantry",
            public=False,
            address="1 Example Ave, side door, ring twice",
            area="11225",
            hours="tue 16:00-19:00\nsat 10:00-13:00",
            takes="Rice, beans, canned food, diapers",
        ),
    )
    _hub(
        bushwick,
        services.HubInput(
            name="Refri solidaria Knickerbocker",
            kind="fridge",
            public=True,
            address="300 Knickerbocker Ave, Brooklyn",
            area="40.7003, -73.9196",
            takes="Frutas, verduras, pan",
        ),
    )
    for name, unit, quantity, low_at in (("Rice", "kg", 24, 10), ("Black beans", "cans", 6, 12)):
        item = StockItem.objects.create(hub=pantry, name=name, unit=unit, low_at=low_at, quantity=quantity)
        Movement.objects.create(item=item, kind=MovementKind.COUNT, change=quantity, quantity_after=quantity)
    services.report_create(hub=fridge, condition="cleaning", food_level=0, note="Shelves need a wipe")
