"""Public distribution days go to a group's followers as Create/Update/Delete {Event}: only the
name, time, area and public description, never the address, bookings or anyone's name."""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from mutualaid.core.publishing import PublicEvent, event_changed
from mutualaid.federation import delivery
from mutualaid.federation.models import Activity, Delivery
from mutualaid.shifts import distribution
from tests.federation.test_publishing import follower

pytestmark = pytest.mark.django_db


def make_day(group: Any, *, public: bool) -> Any:
    return distribution.day_create(
        group=group,
        title="Saturday pantry",
        area="Crown Heights north",
        address="1234 Secret Street, apt 5",
        date=timezone.localdate() + datetime.timedelta(days=3),
        first_slot=datetime.time(10, 0),
        slot_minutes=30,
        slot_count=4,
        households_per_slot=2,
        public=public,
    )


def test_a_public_day_is_created_updated_and_deleted_for_followers(
    crown: Any, sent: list[tuple[str, dict[str, Any]]], django_capture_on_commit_callbacks: Any
) -> None:
    follower(crown, 1)
    follower(crown, 2, server="other.example", shared=False)
    with django_capture_on_commit_callbacks(execute=True):
        day = make_day(crown, public=True)
    assert delivery.run_due()["sent"] == 2
    assert sorted(url for url, _ in sent) == [
        "https://other.example/users/u2/inbox",
        "https://social.example/inbox",
    ]
    create = sent[0][1]
    assert create["type"] == "Create"
    event = create["object"]
    assert event["type"] == "Event" and event["name"] == "Saturday pantry"
    assert event["location"] == {"type": "Place", "name": "Crown Heights north"}
    assert event["url"].endswith("/g/crown/")
    assert event["startTime"].endswith("Z") and event["endTime"] > event["startTime"]
    assert "Secret Street" not in str(create)

    # A change (the area) sends one Update of the same object.
    sent.clear()
    day.area = "Crown Heights south"
    day.save()
    with django_capture_on_commit_callbacks(execute=True):
        distribution._publish_day(day)
    assert delivery.run_due()["sent"] == 2
    update = sent[0][1]
    assert update["type"] == "Update" and update["object"]["id"] == event["id"]
    assert update["object"]["location"]["name"] == "Crown Heights south"
    # Nothing changed: nothing sent.
    sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        distribution._publish_day(day)
    assert delivery.run_due()["sent"] == 0

    # Cancelling sends a Delete of the same object, and the object is gone.
    with django_capture_on_commit_callbacks(execute=True):
        distribution.day_cancel(day=day)
    assert delivery.run_due()["sent"] == 2
    delete = sent[0][1]
    assert delete["type"] == "Delete" and delete["object"] == {"id": event["id"], "type": "Tombstone"}
    assert Client().get("/ap/groups/crown/outbox").json()["totalItems"] == 0
    first = Activity.objects.order_by("pk").first()
    assert first is not None
    assert Client().get(urlsplit(event["id"]).path).status_code == 404
    assert first.pk == int(urlsplit(event["id"]).path.rsplit("/", 1)[1])


def test_making_a_day_public_then_not_creates_then_deletes(
    crown: Any, sent: list[tuple[str, dict[str, Any]]], django_capture_on_commit_callbacks: Any
) -> None:
    follower(crown, 1)
    with django_capture_on_commit_callbacks(execute=True):
        day = make_day(crown, public=False)
    assert not Activity.objects.exists() and delivery.run_due()["sent"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        distribution.day_set_public(day=day, public=True)
    assert delivery.run_due()["sent"] == 1 and sent[-1][1]["type"] == "Create"
    outbox = Client().get("/ap/groups/crown/outbox").json()
    assert outbox["totalItems"] == 1
    served = Client().get(urlsplit(outbox["orderedItems"][0]["object"]["id"]).path)
    assert served.status_code == 200 and served.json()["type"] == "Event"
    with django_capture_on_commit_callbacks(execute=True):
        distribution.day_set_public(day=day, public=False)
    assert delivery.run_due()["sent"] == 1 and sent[-1][1]["type"] == "Delete"
    assert list(Activity.objects.order_by("pk").values_list("kind", flat=True)) == ["event"] * 2


def test_a_non_public_day_sends_nothing(
    crown: Any, sent: list[tuple[str, dict[str, Any]]], django_capture_on_commit_callbacks: Any
) -> None:
    follower(crown, 1)
    with django_capture_on_commit_callbacks(execute=True):
        day = make_day(crown, public=False)
        distribution.day_cancel(day=day)
    assert not Activity.objects.exists() and not Delivery.objects.exists() and sent == []


def test_an_unlisted_group_sends_no_event(
    crown: Any, sent: list[tuple[str, dict[str, Any]]], django_capture_on_commit_callbacks: Any
) -> None:
    crown.listed = False
    crown.save()
    follower(crown, 1)
    with django_capture_on_commit_callbacks(execute=True):
        make_day(crown, public=True)
    assert not Activity.objects.exists() and delivery.run_due()["sent"] == 0 and sent == []


def test_the_port_without_visibility_history_sends_nothing(crown: Any) -> None:
    event_changed(PublicEvent(group_id=crown.pk, source="shifts.day:999", visible=False))
    assert not Activity.objects.exists()


def test_a_public_skill_share_sends_its_sessions_and_withdraws_a_cancelled_one(
    crown: Any,
    ada: Any,
    fay: Any,
    sent: list[tuple[str, dict[str, Any]]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    from mutualaid.shifts import services
    from tests.shifts.test_skillshares import propose

    follower(crown, 1)
    # A plain member's proposal cannot publish itself.
    with django_capture_on_commit_callbacks(execute=True):
        proposal = propose(crown, fay, public=True)
    assert not proposal.public
    with django_capture_on_commit_callbacks(execute=True):
        services.skillshare_decide(series=proposal, approve=True)
    assert delivery.run_due()["sent"] == 0

    with django_capture_on_commit_callbacks(execute=True):
        series = propose(crown, ada, by_coordinator=True, public=True, rule="FREQ=DAILY;COUNT=2")
    assert delivery.run_due()["sent"] == 2
    events = [doc["object"] for _, doc in sent]
    assert {doc["type"] for _, doc in sent} == {"Create"}
    assert {e["name"] for e in events} == {"Repair café"}
    assert events[0]["location"] == {"type": "Place", "name": "Library basement"}
    assert "bring a broken lamp" in events[0]["content"]
    assert "SECRET-ADDRESS" not in str(sent) and ada.username not in str(sent)

    sent.clear()
    occurrence = series.occurrences.order_by("starts_at").first()
    with django_capture_on_commit_callbacks(execute=True):
        services.occurrence_cancel(occurrence=occurrence)
    assert delivery.run_due()["sent"] == 1 and sent[0][1]["type"] == "Delete"

    sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.skillshare_describe(series=series, description="Bring a lamp or a toaster")
    assert delivery.run_due()["sent"] == 1 and sent[0][1]["type"] == "Update"
    assert "toaster" in sent[0][1]["object"]["content"]

    sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.series_update(series=series, public=False)
    assert delivery.run_due()["sent"] == 1 and sent[0][1]["type"] == "Delete"


def test_the_coordinators_checkbox_and_the_api_field_make_a_day_public(
    crown: Any,
    ada: Any,
    client_for: Any,
    api_for: Any,
    sent: list[tuple[str, dict[str, Any]]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    from mutualaid.shifts.models import DistributionDay

    follower(crown, 1)
    page = client_for(ada).get("/g/crown/shifts/days/new/")
    assert b"Publish to the group&#x27;s followers on the fediverse" in page.content
    when = (timezone.localdate() + datetime.timedelta(days=4)).isoformat()
    form = {
        "title": "Pantry",
        "area": "North",
        "address": "9 Hidden Row",
        "date": when,
        "first_slot": "10:00",
        "slot_minutes": 15,
        "slot_count": 2,
        "households_per_slot": 2,
        "grace_minutes": 15,
        "remind_hours": 3,
        "time_zone": "UTC",
        "public": "on",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(ada).post("/g/crown/shifts/days/new/", form)
    assert response.status_code == 302
    assert DistributionDay.objects.get().public
    with django_capture_on_commit_callbacks(execute=True):
        made = api_for(ada).post(
            "/api/v1/groups/crown/shifts/days",
            {"title": "Free store", "date": when, "first_slot": "14:00", "area": "South"},
            content_type="application/json",
        )
    assert made.status_code == 201 and made.json()["public"] is False
    assert delivery.run_due()["sent"] == 1
    assert sent[0][1]["object"]["name"] == "Pantry" and "Hidden Row" not in str(sent)


def test_the_api_publishes_and_withdraws_a_day(
    crown: Any,
    ada: Any,
    ben: Any,
    api_for: Any,
    sent: list[tuple[str, dict[str, Any]]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    follower(crown, 1)
    day = make_day(crown, public=False)
    path = f"/api/v1/groups/crown/shifts/days/{day.pk}/public"
    refused = api_for(ben).put(path, {"public": True}, content_type="application/json")
    assert refused.status_code in {403, 404}
    with django_capture_on_commit_callbacks(execute=True):
        made = api_for(ada).put(path, {"public": True}, content_type="application/json")
    assert made.status_code == 200 and made.json()["public"] is True
    with django_capture_on_commit_callbacks(execute=True):
        api_for(ada).put(path, {"public": False}, content_type="application/json")
    assert delivery.run_due()["sent"] == 2
    assert [doc["type"] for _, doc in sent] == ["Create", "Delete"]


def test_only_a_coordinator_sees_the_skill_share_checkbox(
    crown: Any, ada: Any, fay: Any, client_for: Any
) -> None:
    from django.urls import reverse

    path = reverse("shifts_skillshare_propose", args=["crown"])
    label = b"Publish to the group&#x27;s followers on the fediverse"
    assert label in client_for(ada).get(path).content
    assert label not in client_for(fay).get(path).content
