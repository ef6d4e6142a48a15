"""A member points one of their offers at a hub ("I'll bring this to the fridge"): the hub page lists what
is on its way for the group's members, in the browser and the API; only the offer's author points it, an
offer points at one hub at a time, and a closed offer drops off the list."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from mutualaid.exchange.models import Status
from mutualaid.hubs.models import PointedOffer
from tests.helpers import make_post


def test_a_member_points_an_offer_and_the_hub_page_lists_it(
    client: Any, client_for: Any, fridge: Any, backroom: Any, ben: Any
) -> None:
    offer = make_post(fridge.group, ben, "Crate of apples", kind="offer")
    page = client_for(ben)
    form = page.get(f"/g/{fridge.group.slug}/hubs/{fridge.pk}/").content.decode()
    assert "Bring one of your offers here" in form and "Crate of apples" in form
    response = page.post(f"/g/{fridge.group.slug}/hubs/{fridge.pk}/offers/", {"post": offer.pk}, follow=True)
    shown = response.content.decode()
    assert "Your offer is shown on this hub" in shown
    assert "Offers on their way here" in shown
    assert f'href="{reverse("exchange_post", args=[fridge.group.slug, offer.pk])}"' in shown
    # A passer-by sees the public hub, never the members' offers.
    assert "Crate of apples" not in client.get(f"/g/{fridge.group.slug}/hubs/{fridge.pk}/").content.decode()
    # Pointing it at another hub moves it.
    page.post(f"/g/{fridge.group.slug}/hubs/{backroom.pk}/offers/", {"post": offer.pk})
    assert list(PointedOffer.objects.values_list("hub_id", flat=True)) == [backroom.pk]
    # Once the offer is closed it is no longer on its way anywhere.
    offer.status = Status.FULFILLED
    offer.save(update_fields=["status"])
    assert "Crate of apples" not in page.get(f"/g/{fridge.group.slug}/hubs/{backroom.pk}/").content.decode()


def test_only_the_author_points_an_offer_and_only_an_open_offer(
    client_for: Any, fridge: Any, ben: Any, fay: Any, ada: Any
) -> None:
    offer = make_post(fridge.group, ben, "Crate of apples", kind="offer")
    need = make_post(fridge.group, fay, "Bread for the fridge")
    url = f"/g/{fridge.group.slug}/hubs/{fridge.pk}/offers/"
    assert client_for(fay).post(url, {"post": offer.pk}).status_code == 403
    assert client_for(ada).post(url, {"post": offer.pk}).status_code == 403
    refused = client_for(fay).post(url, {"post": need.pk}, follow=True).content.decode()
    assert "Choose one of your offers in this group." in refused
    assert not PointedOffer.objects.exists()
    # A coordinator may take an offer off a hub (say, the fridge is gone); the author may too.
    client_for(ben).post(url, {"post": offer.pk})
    client_for(ada).post(f"{url}{offer.pk}/remove/")
    assert not PointedOffer.objects.exists()


def test_the_api_points_lists_and_takes_off(api_for: Any, fridge: Any, ben: Any, fay: Any) -> None:
    offer = make_post(fridge.group, ben, "Crate of apples", kind="offer", quantity=3)
    base = f"/api/v1/groups/{fridge.group.slug}/hubs/{fridge.pk}/offers"
    created = api_for(ben).post(base, {"post_id": offer.pk}, content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["title"] == "Crate of apples" and created.json()["quantity"] == 3
    listed = api_for(fay).get(base).json()
    assert [item["post_id"] for item in listed] == [offer.pk]
    missing = api_for(ben).post(base, {"post_id": 999999}, content_type="application/json")
    assert missing.status_code == 422 and "post_id" in missing.json()["errors"]
    assert api_for(ben).delete(f"{base}/{offer.pk}").status_code == 204
    assert api_for(fay).get(base).json() == []


def test_the_section_reads_in_spanish(client_for: Any, fridge: Any, ben: Any) -> None:
    make_post(fridge.group, ben, "Crate of apples", kind="offer")
    ben.language = "es"
    ben.save(update_fields=["language"])
    page = client_for(ben).get(f"/g/{fridge.group.slug}/hubs/{fridge.pk}/").content.decode()
    assert "Ofertas en camino" in page and "Lleva aquí una de tus ofertas" in page
