"""Editing a housing offer (the host or coordinators; the address is frozen while a stay is live), and
"act only on what I saw": a cancel or a confirmation carries the state its page showed and is refused
when the stay has moved on meanwhile."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from mutualaid.core.models import SensitiveRead
from mutualaid.housing import services
from mutualaid.housing.models import Offer, Stay


def _data(**extra: Any) -> services.OfferInput:
    base = {"address": "12 Secret Lane, apt 3", "max_nights": 5, "who": "One adult", "pets": "A cat"}
    return services.OfferInput(**{**base, **extra})


def test_host_and_coordinator_edit_an_offer_others_cannot(offer: Any, ben: Any, ada: Any, fay: Any) -> None:
    services.offer_update(offer=offer, actor=ben, data=_data(max_nights=7, pets="No pets, sorry"))
    offer.refresh_from_db()
    assert offer.max_nights == 7 and offer.pets == "No pets, sorry"
    services.offer_update(offer=offer, actor=ada, data=_data(max_nights=2, address="9 Other Rd"))
    offer.refresh_from_db()
    assert offer.max_nights == 2 and offer.address == "9 Other Rd"
    with pytest.raises(PermissionDenied):
        services.offer_update(offer=offer, actor=fay, data=_data(max_nights=1))
    with pytest.raises(ValidationError) as caught:
        services.offer_update(offer=offer, actor=ben, data=_data(max_nights=0))
    assert "max_nights" in caught.value.message_dict
    assert Offer.objects.get(pk=offer.pk).max_nights == 2


def test_address_is_frozen_while_a_stay_is_live(proposed: Any, offer: Any, ben: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        services.offer_update(offer=offer, actor=ben, data=_data(address="Somewhere else"))
    assert "address" in caught.value.message_dict
    # The rules can still change.
    services.offer_update(offer=offer, actor=ben, data=_data(who="Two adults"))
    assert Offer.objects.get(pk=offer.pk).who == "Two adults"


def test_edit_page_prefills_audits_the_coordinator_and_saves(
    offer: Any, ada: Any, fay: Any, client_for: Any
) -> None:
    url = reverse("housing_offer_edit", args=["crown", offer.pk])
    assert client_for(fay).get(url).status_code == 404
    client = client_for(ada)
    page = client.get(url)
    assert page.status_code == 200 and "12 Secret Lane" in page.content.decode()
    assert SensitiveRead.objects.filter(reader=ada, subject_id=offer.pk, fields="address").exists()
    bad = client.post(url, {"kind": "room", "max_nights": "999", "address": "1 Main St"})
    assert bad.status_code == 400 and Offer.objects.get(pk=offer.pk).max_nights == 5
    ok = client.post(url, {"kind": "couch", "max_nights": "4", "address": "1 Main St", "who": "Anyone"})
    assert ok.status_code == 302
    offer.refresh_from_db()
    assert (offer.kind, offer.max_nights, offer.address, offer.who) == ("couch", 4, "1 Main St", "Anyone")


def test_edit_through_the_api(offer: Any, ben: Any, fay: Any, api_for: Any) -> None:
    url = reverse("api:housing_offer_update", args=["crown", offer.pk])
    body = {"address": "3 New St", "kind": "short_stay", "max_nights": 2}
    assert api_for(fay).put(url, body, content_type="application/json").status_code == 404
    answer = api_for(ben).put(url, body, content_type="application/json")
    assert answer.status_code == 200, answer.content
    assert answer.json()["kind"] == "short_stay" and answer.json()["address"] == "3 New St"
    bad = api_for(ben).put(url, {**body, "max_nights": 0}, content_type="application/json")
    assert bad.status_code in (400, 422)
    assert Offer.objects.get(pk=offer.pk).max_nights == 2


def test_cancel_seen_as_proposed_does_not_cancel_a_stay_confirmed_meanwhile(
    proposed: Any, ben: Any, ida: Any, ada: Any
) -> None:
    services.stay_step(stay=proposed, actor=ben, action="agree")
    services.stay_step(stay=proposed, actor=ida, action="confirm", seen="proposed")
    with pytest.raises(ValidationError) as caught:
        services.stay_step(stay=proposed, actor=ada, action="cancel", seen="proposed")
    assert "Arranged" in " ".join(caught.value.messages)
    assert Stay.objects.get(pk=proposed.pk).state == "confirmed"
    # Seen as it is now, the cancel goes through.
    services.stay_step(stay=proposed, actor=ada, action="cancel", seen="confirmed")
    assert Stay.objects.get(pk=proposed.pk).state == "cancelled"


def test_confirm_seen_as_proposed_is_refused_after_a_cancel(proposed: Any, ben: Any, ida: Any) -> None:
    services.stay_step(stay=proposed, actor=ben, action="agree")
    services.stay_step(stay=proposed, actor=ben, action="cancel", seen="proposed")
    with pytest.raises(ValidationError) as caught:
        services.stay_step(stay=proposed, actor=ida, action="confirm", seen="proposed")
    assert "Cancelled" in " ".join(caught.value.messages)
    stay = Stay.objects.get(pk=proposed.pk)
    assert stay.state == "cancelled" and stay.confirmed_by_id is None


def test_stale_cancel_from_the_page_and_the_api(
    proposed: Any, ben: Any, ida: Any, ada: Any, client_for: Any, api_for: Any
) -> None:
    services.stay_step(stay=proposed, actor=ben, action="agree")
    page = client_for(ada).get(reverse("housing_stay", args=["crown", proposed.pk])).content.decode()
    assert 'name="seen" value="proposed"' in page
    services.stay_step(stay=proposed, actor=ida, action="confirm")
    url = reverse("housing_stay_step", args=["crown", proposed.pk, "cancel"])
    answer = client_for(ada).post(url, {"seen": "proposed"}, follow=True)
    assert "changed while you were looking" in answer.content.decode()
    assert Stay.objects.get(pk=proposed.pk).state == "confirmed"
    api = reverse("api:housing_stay_step", args=["crown", proposed.pk, "cancel"])
    refused = api_for(ada).post(api, {"seen_state": "proposed"}, content_type="application/json")
    assert refused.status_code == 422 and "changed while you were looking" in refused.content.decode()
    assert Stay.objects.get(pk=proposed.pk).state == "confirmed"
    done = api_for(ada).post(api, {"seen_state": "confirmed"}, content_type="application/json")
    assert done.status_code == 200 and done.json()["state"] == "cancelled"
