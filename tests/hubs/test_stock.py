"""Pantry stock: items, append-only movements (who recorded, never who received), a count that
corrects with new movements, a low-stock notice to coordinators, a printable count sheet."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from mutualaid.hubs import services
from mutualaid.hubs.models import Movement, StockItem


@pytest.fixture
def rice(backroom: Any, ada: Any) -> Any:
    return services.stock_item_create(hub=backroom, actor=ada, name="Rice", unit="kg", low_at=5)


def test_in_out_and_a_count_are_movements(rice: Any, ben: Any, backroom: Any) -> None:
    services.movement_record(item=rice, actor=ben, kind="in", amount=12)
    services.movement_record(item=rice, actor=ben, kind="out", amount=2)
    with pytest.raises(ValidationError) as caught:
        services.movement_record(item=rice, actor=ben, kind="out", amount=11)
    assert caught.value.message_dict == {"amount": ["Only 10 left."]}
    moved = services.count_record(hub=backroom, actor=ben, counts={rice.pk: 8})
    assert [m.change for m in moved] == [-2]
    assert services.count_record(hub=backroom, actor=ben, counts={rice.pk: 8}) == []
    rice.refresh_from_db()
    assert rice.quantity == 8 == sum(Movement.objects.filter(item=rice).values_list("change", flat=True))
    assert list(Movement.objects.order_by("pk").values_list("kind", "change", "quantity_after")) == [
        ("in", 12, 12),
        ("out", -2, 10),
        ("count", -2, 8),
    ]
    assert set(Movement.objects.values_list("recorded_by", flat=True)) == {ben.pk}


def test_going_low_tells_the_coordinators_once(
    rice: Any, ben: Any, ada: Any, ida: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from mutualaid.channels.models import Notice

    services.movement_record(item=rice, actor=ben, kind="in", amount=6)
    with django_capture_on_commit_callbacks(execute=True):
        services.movement_record(item=rice, actor=ben, kind="out", amount=2)  # 4 < 5: low
    with django_capture_on_commit_callbacks(execute=True):
        services.movement_record(item=rice, actor=ben, kind="out", amount=1)  # still low: no second notice
    told = Notice.objects.filter(kind="hub_low_stock")
    assert sorted(told.values_list("user__username", flat=True)) == ["ada", "ida"]


def test_outsiders_cannot_record_and_members_cannot_add_items(
    rice: Any, cy: Any, ben: Any, backroom: Any
) -> None:
    with pytest.raises(PermissionDenied):
        services.movement_record(item=rice, actor=cy, kind="in", amount=1)
    with pytest.raises(PermissionDenied):
        services.stock_item_create(hub=backroom, actor=ben, name="Beans")
    assert StockItem.objects.count() == 1 and not Movement.objects.exists()


def test_pages_record_movements_counts_and_print_a_sheet(
    client_for: Any, rice: Any, ben: Any, ada: Any, backroom: Any
) -> None:
    client = client_for(ben)
    url = reverse("hubs_stock", args=["crown", backroom.pk])
    assert (
        client.post(url, {"action": "move", "item": rice.pk, "kind": "in", "amount": "7"}).status_code == 302
    )
    refused = client.post(url, {"action": "move", "item": rice.pk, "kind": "out", "amount": "9"})
    assert refused.status_code == 400 and "Only 7 left." in refused.content.decode()
    sheet = client.get(reverse("hubs_stock_sheet", args=["crown", backroom.pk])).content.decode()
    assert "Rice" in sheet and "7 kg" in sheet
    count_url = reverse("hubs_stock_count", args=["crown", backroom.pk])
    assert client.post(count_url, {f"item_{rice.pk}": "3"}).status_code == 302
    rice.refresh_from_db()
    assert rice.quantity == 3
    added = client_for(ada).post(url, {"action": "add", "name": "Beans", "unit": "cans", "low_at": "10"})
    assert added.status_code == 302 and StockItem.objects.count() == 2
    assert client.post(url, {"action": "add", "name": "Oil", "low_at": "0"}).status_code == 403


def test_the_api_does_the_same(api_for: Any, rice: Any, ben: Any, backroom: Any) -> None:
    base = f"/api/v1/groups/crown/hubs/{backroom.pk}/stock"
    moved = api_for(ben).post(
        f"{base}/movements", {"item_id": rice.pk, "kind": "in", "amount": 4}, content_type="application/json"
    )
    assert moved.status_code == 201 and moved.json()["quantity_after"] == 4
    counted = api_for(ben).post(
        f"{base}/counts", {"counts": {str(rice.pk): 9}}, content_type="application/json"
    )
    assert counted.status_code == 201 and counted.json()[0]["change"] == 5
    listing = api_for(ben).get(base).json()
    assert listing == [
        {"id": rice.pk, "name": "Rice", "unit": "kg", "quantity": 9, "low_at": 5, "low": False}
    ]
