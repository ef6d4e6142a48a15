"""The API does what the pages do, with the same rules: the whole flow from an offer to an arranged
stay, the guest's address only once confirmed, and the two-person rule."""

from __future__ import annotations

import datetime
from typing import Any

from mutualaid.housing.models import Offer, Stay
from tests.housing.conftest import tomorrow


def _post(client: Any, url: str, data: dict[str, Any] | None = None) -> Any:
    return client.post(url, data or {}, content_type="application/json")


def test_offer_to_arranged_stay_through_the_api(
    api_for: Any, ben: Any, fay: Any, ada: Any, ida: Any, need: Any
) -> None:
    host, guest, first, second = api_for(ben), api_for(fay), api_for(ada), api_for(ida)
    made = _post(
        host,
        "/api/v1/groups/crown/housing/offers",
        {"address": "7 Quiet Rd", "max_nights": 4, "pets": "none"},
    )
    assert made.status_code == 201, made.content
    offer_id = made.json()["id"]
    assert Offer.objects.get().address == "7 Quiet Rd"
    assert guest.get(f"/api/v1/groups/crown/housing/offers/{offer_id}").status_code == 404
    assert guest.get("/api/v1/groups/crown/housing/offers").json() == []
    listed = first.get("/api/v1/groups/crown/housing/offers").json()
    assert [o["address"] for o in listed] == ["7 Quiet Rd"]

    start = tomorrow()
    proposal = {
        "need_id": need.pk,
        "starts_on": start.isoformat(),
        "ends_on": (start + datetime.timedelta(days=5)).isoformat(),
    }
    too_long = _post(first, f"/api/v1/groups/crown/housing/offers/{offer_id}/stays", proposal)
    assert too_long.status_code == 422 and "ends_on" in too_long.json()["errors"]
    proposal["ends_on"] = (start + datetime.timedelta(days=3)).isoformat()
    proposed = _post(first, f"/api/v1/groups/crown/housing/offers/{offer_id}/stays", proposal)
    assert proposed.status_code == 201, proposed.content
    stay_id = proposed.json()["id"]
    base = f"/api/v1/groups/crown/housing/stays/{stay_id}"
    assert guest.get(base).json()["address"] is None
    assert _post(first, f"{base}/agree").status_code == 403  # only the host agrees
    assert _post(host, f"{base}/agree").json()["host_agreed"] is True
    assert _post(first, f"{base}/confirm").status_code == 422  # the proposer cannot confirm
    assert _post(second, f"{base}/confirm").json()["state"] == "confirmed"
    assert guest.get(base).json()["address"] == "7 Quiet Rd"
    checked = _post(second, f"{base}/checkin", {"all_well": True, "note": "fine"})
    assert checked.status_code == 200
    assert _post(second, f"{base}/end").json()["state"] == "ended"
    assert Stay.objects.get().state == "ended"
    assert first.get(f"/api/v1/groups/crown/housing/offers/{offer_id}").json()["free"] is True
    assert _post(first, f"{base}/fly").status_code == 404
