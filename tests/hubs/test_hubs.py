"""Coordinators set up hubs; public hubs show their street address to everyone, members-only hubs keep
it sealed in the database and show it to members only; hours, closures and "open now"."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from mutualaid.hubs import selectors, services
from mutualaid.hubs.models import Closure, Hub


def _raw(column: str, hub: Hub) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM hubs_hub WHERE id = %s", [hub.pk])  # noqa: S608 - our column names
        return str(cursor.fetchone()[0])


def test_a_coordinator_sets_up_a_hub_from_the_page(client_for: Any, ada: Any) -> None:
    response = client_for(ada).post(
        reverse("hubs_new", args=["crown"]),
        {
            "name": "Nostrand pantry",
            "kind": "pantry",
            "public": "on",
            "address": "700 Nostrand Ave",
            "area": "11216",
            "hours": "mon-fri 09:00-17:00\nsat 10:00-13:00\nsun closed",
            "accessibility": "Step-free entrance",
            "takes": "Rice, beans",
            "refuses": "Opened packets",
            "restock_category": "food",
            "restock_quantity": "4",
            "active": "on",
        },
    )
    hub = Hub.objects.get()
    assert response.status_code == 302 and response.url == reverse("hubs_hub", args=["crown", hub.pk])
    assert (hub.name, hub.kind, hub.public, hub.street_address, hub.sealed_address) == (
        "Nostrand pantry",
        "pantry",
        True,
        "700 Nostrand Ave",
        "",
    )
    assert hub.hours["0"] == ["09:00-17:00"] and hub.hours["5"] == ["10:00-13:00"] and hub.hours["6"] == []
    assert hub.cell and hub.lat is not None
    page = client_for(None).get(reverse("hubs_hub", args=["crown", hub.pk])).content.decode()
    for text in ("700 Nostrand Ave", "Step-free entrance", "Rice, beans", "Opened packets", "09:00-17:00"):
        assert text in page


def test_field_errors_name_the_bad_line_and_nothing_is_stored(client_for: Any, ada: Any) -> None:
    response = client_for(ada).post(
        reverse("hubs_new", args=["crown"]),
        {
            "name": "",
            "kind": "fridge",
            "hours": "mon 09:00-17:00\nsomeday 9-5",
            "restock_category": "food",
            "restock_quantity": "1",
        },
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "name" in errors
    assert not Hub.objects.exists()
    response = client_for(ada).post(
        reverse("hubs_new", args=["crown"]),
        {
            "name": "X",
            "kind": "fridge",
            "hours": "mon 09:00-17:00\nsomeday 9-5",
            "restock_category": "food",
            "restock_quantity": "1",
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["hours"] == [
        'Line 2 ("someday 9-5") is not understood. Write e.g. "mon-fri 09:00-18:00".'
    ]
    assert not Hub.objects.exists()


def test_members_cannot_set_up_hubs(ben: Any, crown: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.hub_create(group=crown, actor=ben, data=services.HubInput(name="Mine"))
    assert not Hub.objects.exists()


def test_a_members_only_address_is_sealed_and_shown_to_members_only(
    client_for: Any, backroom: Any, ben: Any, cy: Any
) -> None:
    assert backroom.street_address == ""
    assert "Secret Lane" not in _raw("sealed_address", backroom)
    assert "Backroom" not in _raw("name", backroom)
    # Only the centre of the coarse cell is kept for a members-only hub.
    from mutualaid.core.geo import snap

    _cell, clat, clon = snap(backroom.lat, backroom.lon)
    assert (backroom.lat, backroom.lon) == (clat, clon)
    assert (
        "12 Secret Lane"
        in client_for(ben).get(reverse("hubs_hub", args=["crown", backroom.pk])).content.decode()
    )
    listing = client_for(None).get(reverse("hubs_list", args=["crown"])).content.decode()
    assert "Backroom" not in listing
    assert "Backroom" in client_for(ben).get(reverse("hubs_list", args=["crown"])).content.decode()
    assert "Backroom" not in client_for(cy).get(reverse("hubs_find")).content.decode()


def test_a_public_hub_keeps_its_exact_point(fridge: Any) -> None:
    assert (fridge.lat, fridge.lon) == (40.6712, -73.9577)
    assert fridge.street_address == "801 Franklin Ave, Brooklyn"


def test_opening_hours_closures_and_open_now(backroom: Any, ada: Any) -> None:
    tz = timezone.get_current_timezone()
    monday_ten = datetime.datetime(2030, 1, 7, 10, 0, tzinfo=tz)
    assert selectors.open_now(backroom, monday_ten)
    assert not selectors.open_now(backroom, monday_ten.replace(hour=19))
    assert not selectors.open_now(backroom, monday_ten + datetime.timedelta(days=6))  # Sunday
    services.closure_add(hub=backroom, actor=ada, starts_on=monday_ten.date(), ends_on=None, reason="Holiday")
    assert not selectors.open_now(backroom, monday_ten)
    services.closure_add(
        hub=backroom, actor=ada, starts_on=datetime.date(2030, 1, 13), ends_on=None, hours="11:00-12:00"
    )
    assert selectors.open_now(backroom, datetime.datetime(2030, 1, 13, 11, 30, tzinfo=tz))
    with pytest.raises(ValidationError) as caught:
        services.closure_add(
            hub=backroom, actor=ada, starts_on=datetime.date(2030, 2, 2), ends_on=datetime.date(2030, 2, 1)
        )
    assert "ends_on" in caught.value.message_dict
    assert Closure.objects.count() == 2
    assert Closure.objects.filter(reason="Holiday").count() == 0  # the reason is sealed


def test_coordinators_add_and_remove_closures_from_the_page(client_for: Any, fridge: Any, ada: Any) -> None:
    client = client_for(ada)
    response = client.post(
        reverse("hubs_closure_new", args=["crown", fridge.pk]),
        {"starts_on": "2030-12-25", "reason": "Holiday"},
    )
    assert response.status_code == 302
    closure = Closure.objects.get(hub=fridge)
    assert "Holiday" in client.get(reverse("hubs_edit", args=["crown", fridge.pk])).content.decode()
    assert client.post(reverse("hubs_closure_delete", args=["crown", closure.pk])).status_code == 302
    assert not Closure.objects.exists()


def test_editing_keeps_values_and_moves_the_address_when_a_hub_goes_members_only(
    client_for: Any, fridge: Any, ada: Any
) -> None:
    form = client_for(ada).get(reverse("hubs_edit", args=["crown", fridge.pk])).context["form"]
    data = {k: v for k, v in form.initial.items() if v not in (None, False)}
    data["public"] = ""
    response = client_for(ada).post(reverse("hubs_edit", args=["crown", fridge.pk]), data)
    assert response.status_code == 302
    fridge.refresh_from_db()
    assert (
        not fridge.public
        and fridge.street_address == ""
        and fridge.sealed_address == "801 Franklin Ave, Brooklyn"
    )
    assert fridge.takes == "Fresh produce, sealed food"
