"""Member skills: set on the profile (page and API), required by a shift role, and called on when a
shift still needs people ("Saturday pantry still needs 2 drivers", to members with the driver skill)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from mutualaid.channels.models import OutboundMessage
from mutualaid.members import services as members
from mutualaid.shifts import services
from tests.shifts.conftest import make_series, member, next_occurrence, role


def _email(*users: Any) -> None:
    for user in users:
        user.email = f"{user.username}@example.org"
        user.save(update_fields=["email"])


def test_a_member_sets_skills_on_the_profile_page(ben: Any, client_for: Any) -> None:
    client = client_for(ben)
    page = client.get(reverse("profile")).content.decode()
    assert 'name="skills"' in page and "Driving (with a car)" in page
    response = client.post(
        reverse("profile"),
        {
            "display_name": "Ben",
            "language": "en",
            "email": "",
            "phone": "",
            "skills": ["first_aid", "driver"],
        },
    )
    assert response.status_code == 302
    ben.refresh_from_db()
    assert ben.skills == ["driver", "first_aid"]  # in the order of the list
    bad = client.post(reverse("profile"), {"display_name": "Ben", "language": "en", "skills": ["juggling"]})
    assert bad.status_code == 200 and "juggling" in bad.content.decode()
    ben.refresh_from_db()
    assert ben.skills == ["driver", "first_aid"]


def test_skills_through_the_api(ben: Any, api_for: Any) -> None:
    client = api_for(ben)
    changed = client.put(
        "/api/v1/me",
        {"display_name": "Ben", "language": "en", "skills": ["cooking"]},
        content_type="application/json",
    )
    assert changed.status_code == 200 and changed.json()["skills"] == ["cooking"]
    kept = client.put(
        "/api/v1/me", {"display_name": "Ben", "language": "es"}, content_type="application/json"
    )
    assert kept.json()["skills"] == ["cooking"]  # left alone when not sent
    refused = client.put(
        "/api/v1/me",
        {"display_name": "Ben", "language": "en", "skills": ["x"]},
        content_type="application/json",
    )
    assert refused.status_code == 422
    with pytest.raises(ValidationError):
        members.clean_skills(["driver", "flying"])


def test_a_role_that_needs_a_skill_takes_only_members_who_have_it(crown: Any, ben: Any, fay: Any) -> None:
    series = make_series(crown, roles=[{"name": "driver", "slots": 2, "skill": "driver"}])
    occurrence = next_occurrence(series)
    with pytest.raises(ValidationError, match="needs the skill"):
        services.signup_create(occurrence=occurrence, role=role(series, "driver"), user=ben)
    members.profile_update(user=fay, display_name="Fay", language="en", email="", phone="", skills=["driver"])
    assert (
        services.signup_create(occurrence=occurrence, role=role(series, "driver"), user=fay).state
        == "confirmed"
    )


def test_calling_on_members_with_the_skill_from_the_staffing_alert(
    crown: Any, ada: Any, ben: Any, fay: Any, client_for: Any
) -> None:
    gus, hal = member(crown, "gus"), member(crown, "hal")
    outsider = member(crown, "ivy")  # a member with no skill
    for user, skills in (
        (ben, ["driver"]),
        (fay, ["driver", "cooking"]),
        (gus, ["driver"]),
        (hal, ["cooking"]),
    ):
        user.skills = skills
        user.save(update_fields=["skills"])
    _email(ada, ben, fay, gus, hal, outsider)
    series = make_series(
        crown,
        roles=[{"name": "driver", "slots": 3, "skill": "driver"}, {"name": "sorter", "slots": 1}],
        alert_hours=[24],
    )
    occurrence = next_occurrence(series)
    services.signup_create(occurrence=occurrence, role=role(series, "driver"), user=gus)  # already on it
    services.check_staffing(occurrence.starts_at - datetime.timedelta(hours=23))
    alert = OutboundMessage.objects.get(kind="shift_needs")
    assert alert.user == ada and "2 driver" in alert.body
    client = client_for(ada)
    url = reverse("shifts_occurrence", kwargs={"slug": crown.slug, "occurrence_id": occurrence.pk})
    assert "Ask members with the skill “Driving (with a car)”" in client.get(url).content.decode()
    call = reverse(
        "shifts_skill_call",
        kwargs={"slug": crown.slug, "occurrence_id": occurrence.pk, "role_id": role(series, "driver").pk},
    )
    assert client.post(call).status_code == 302
    called = OutboundMessage.objects.filter(kind="shift_skill_call").order_by("pk")
    assert sorted(m.user.username for m in called) == ["ben", "fay"]  # not gus (on it), hal, ivy
    assert "still needs 2 driver" in called[0].body and "SECRET" not in called[0].body
    # Once per role and occurrence: nobody is called on twice.
    with pytest.raises(ValidationError, match="already asked"):
        services.skill_call(occurrence=occurrence, role=role(series, "driver"))
    assert "Members with this skill were asked." in client.get(url).content.decode()
    with pytest.raises(ValidationError, match="no particular skill"):
        services.skill_call(occurrence=occurrence, role=role(series, "sorter"))
    # A member cannot call.
    assert client_for(ben).post(call).status_code == 403
