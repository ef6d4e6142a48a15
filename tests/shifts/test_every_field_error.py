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


# Skill-shares and roles (note 9: their teacher, seats and role errors came before the series' own).


def _far_day() -> str:
    import datetime

    from django.utils import timezone

    return (timezone.localdate() + datetime.timedelta(days=366 * 6)).isoformat()


def test_a_skillshare_names_its_seats_with_the_series_errors_in_the_api(api_for: Any, fay: Any) -> None:
    body = {
        "title": "Bike repair",
        "starts_on": _far_day(),
        "start_time": "17:00",
        "duration_minutes": 0,
        "seats": 0,
    }
    response = api_for(fay).post("/api/v1/groups/crown/shifts/skillshares", body, content_type=JSON)
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"seats", "starts_on", "duration_minutes"}
    assert not Series.objects.exists()


def test_a_skillshare_names_its_seats_with_the_series_errors_on_the_page(client_for: Any, fay: Any) -> None:
    page = client_for(fay).post(
        reverse("shifts_skillshare_propose", kwargs={"slug": "crown"}),
        {"title": "Bike repair", "starts_on": _far_day(), "start_time": "18:00", "duration_minutes": "60",
         "repeat": "once", "seats": "0"},
    )  # fmt: skip
    assert page.status_code == 400
    assert {"seats", "starts_on"} <= set(page.context["form"].errors)
    assert not Series.objects.exists()


def test_a_teacher_outside_the_group_is_named_with_the_rest(crown: Any, cy: Any) -> None:
    import datetime

    import pytest
    from django.core.exceptions import ValidationError

    from mutualaid.shifts import services

    with pytest.raises(ValidationError) as caught:
        services.skillshare_create(
            group=crown,
            teacher=cy,
            by_coordinator=False,
            title=" ",
            description="",
            rule="FREQ=DAILY;COUNT=1",
            starts_on=datetime.date(2030, 1, 7),
            start_time=datetime.time(17),
            duration_minutes=60,
            seats=500,
        )
    # Refused as the teacher, not a second time as the series' lead.
    assert set(caught.value.message_dict) == {"teacher", "seats", "title"}


def _series_with_every_role(crown: Any) -> Any:
    """A weekly series that already has as many roles as a series may."""
    import datetime

    from mutualaid.shifts import services

    return services.series_create(
        group=crown,
        title="Fridge restock",
        rule="FREQ=WEEKLY",
        starts_on=datetime.date(2030, 1, 7),
        start_time=datetime.time(9),
        duration_minutes=60,
        roles=[{"name": f"role {n}", "slots": 1} for n in range(services.MAX_ROLES)],
    )


def test_a_role_names_every_wrong_field_at_once(ada: Any, crown: Any, client_for: Any) -> None:

    import pytest
    from django.core.exceptions import ValidationError

    from mutualaid.shifts import services

    series = _series_with_every_role(crown)
    with pytest.raises(ValidationError) as caught:  # one role too many, and its places wrong too
        services.role_add(series=series, name="extra", slots=0)
    assert set(caught.value.message_dict) == {"name", "slots"}
    role = series.roles.first()
    with pytest.raises(ValidationError) as caught:  # the model's limit and the staffing rule together
        services.role_update(role=role, name="x" * 61, cancel_below=3)
    assert set(caught.value.message_dict) == {"name", "cancel_below", "cancel_hours"}
    # The page: a name too long (the form's refusal) and the staffing rule (the service's) on one page.
    page = client_for(ada).post(
        reverse("shifts_role_edit", kwargs={"slug": "crown", "role_id": role.pk}),
        {"name": "x" * 61, "slots": "1", "cancel_below": "3", "cancel_hours": "0"},
    )
    assert page.status_code == 400
    assert {"name", "cancel_below", "cancel_hours"} <= set(page.context["form"].errors)
    role.refresh_from_db()
    assert role.name == "role 0"


def test_the_new_role_page_names_the_series_role_limit_with_its_own_refusals(
    ada: Any, crown: Any, client_for: Any
) -> None:
    """A refused field on the form used to hide the service's limits until it was fixed."""

    from mutualaid.shifts import services

    series = _series_with_every_role(crown)
    page = client_for(ada).post(
        reverse("shifts_role_new", kwargs={"slug": "crown", "series_id": series.pk}),
        {"name": "x" * 61, "slots": "-1", "cancel_below": "2", "cancel_hours": ""},
    )
    assert page.status_code == 400
    errors = page.context["form"].errors
    assert f"At most {services.MAX_ROLES} roles." in errors["name"]
    assert len(errors["name"]) == 2, "the form's own refusal of the name stays"
    assert {"slots", "cancel_hours"} <= set(errors)
    assert series.roles.count() == services.MAX_ROLES
