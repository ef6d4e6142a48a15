"""Every wrong field of a stop or a depot is named at once (note 8: the API reported one at a time)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from mutualaid.deliveries.models import Depot, Stop
from tests.deliveries.conftest import PLACES, at, make_need, make_run

JSON = "application/json"


def test_a_stop_names_its_bad_point_window_and_text_consent_together(
    api_for: Any, ada: Any, ben: Any, fay: Any, crown: Any
) -> None:
    run = make_run(crown, ada, fay, needs=0)
    post = make_need(crown, ben, "Rice", PLACES[0])
    body = {
        "post_id": post.pk,
        "exact_point": "somewhere",
        "window_start": at(12).isoformat(),
        "window_end": at(11).isoformat(),
        "text_on_way": True,  # ben has an account: this is for neighbours without one
    }
    url = reverse("api:deliveries_stop_add", args=["crown", run.pk])
    response = api_for(ada).post(url, body, content_type=JSON)
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"exact_point", "window_end", "text_on_way"}
    assert not Stop.objects.filter(run=run).exists()


def test_a_depot_names_its_bad_point_and_unknown_area_together(
    api_for: Any, ada: Any, ben: Any, fay: Any, crown: Any
) -> None:
    run = make_run(crown, ada, fay, needs=0)
    url = reverse("api:deliveries_depot_add", args=["crown", run.pk])
    body = {"name": "Pantry", "area": "Zzyzx Flats", "exact_point": "nowhere"}
    response = api_for(ada).post(url, body, content_type=JSON)
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"exact_point", "area"}
    assert Depot.objects.filter(run=run).count() == 1
