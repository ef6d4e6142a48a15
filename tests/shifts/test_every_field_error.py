"""Every wrong field of a shift's creation or edit is named at once (note 8: one error at a time)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from mutualaid.shifts.models import Series

JSON = "application/json"


def test_create_names_a_bad_title_and_missing_roles_together(api_for: Any, ada: Any, crown: Any) -> None:
    body = {
        "title": " ",
        "rule": "FREQ=WEEKLY",
        "starts_on": "2030-01-07",
        "start_time": "09:00",
        "duration_minutes": 0,
        "roles": [],
    }
    response = api_for(ada).post(reverse("api:shifts_series_create", args=["crown"]), body, content_type=JSON)
    assert response.status_code == 422
    assert {"title", "duration_minutes", "roles"} <= set(response.json()["errors"])
    assert not Series.objects.exists()


def test_edit_names_a_bad_title_and_a_lead_outside_the_group_together(ada: Any, cy: Any, crown: Any) -> None:
    import datetime

    import pytest
    from django.core.exceptions import ValidationError

    from mutualaid.shifts import services

    series = services.series_create(
        group=crown,
        title="Fridge restock",
        rule="FREQ=WEEKLY",
        starts_on=datetime.date(2030, 1, 7),
        start_time=datetime.time(9),
        duration_minutes=60,
        roles=[{"name": "restocker", "slots": 2}],
    )
    with pytest.raises(ValidationError) as caught:
        services.series_update(series=series, title="", lead=cy)
    assert {"title", "lead"} <= set(caught.value.message_dict)
    series.refresh_from_db()
    assert series.title == "Fridge restock"
