"""Skill-shares: a member proposes a session, a coordinator approves it, members take seats (the
waitlist moves up when someone can't come), the teacher records who came; shifts stay as they were."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from mutualaid.shifts import services
from mutualaid.shifts.models import Occurrence, Series, SeriesKind, Signup, SignupState


def propose(group: Any, teacher: Any, *, by_coordinator: bool = False, **extra: Any) -> Series:
    spec: dict[str, Any] = {
        "group": group,
        "teacher": teacher,
        "by_coordinator": by_coordinator,
        "title": "Repair café",
        "description": "SECRET-DESCRIPTION bring a broken lamp",
        "rule": "FREQ=DAILY;COUNT=1",
        "starts_on": timezone.localdate() + datetime.timedelta(days=3),
        "start_time": datetime.time(11),
        "duration_minutes": 120,
        "seats": 2,
        "area": "Library basement",
        "address": "SECRET-ADDRESS 5 Elm St",
        "time_zone": "UTC",
    }
    spec.update(extra)
    return services.skillshare_create(**spec)


def test_a_members_proposal_waits_for_a_coordinator_and_is_told_the_answer(
    crown: Any, ada: Any, fay: Any, ben: Any
) -> None:
    from mutualaid.channels.models import Notice

    series = propose(crown, fay)
    assert series.kind == SeriesKind.SKILL_SHARE and not series.approved and not series.active
    assert series.lead == fay
    assert not series.occurrences.exists()  # nothing to join before approval
    assert Notice.objects.filter(user=ada, kind="skillshare_proposed").count() == 1
    assert not Notice.objects.filter(user=ben, kind="skillshare_proposed").exists()
    services.skillshare_decide(series=series, approve=True)
    series.refresh_from_db()
    assert series.approved and series.active
    assert series.occurrences.count() == 1  # a one-off session
    assert Notice.objects.filter(user=fay, kind="skillshare_approved").count() == 1
    with pytest.raises(ValidationError):
        services.skillshare_decide(series=series, approve=False)  # decided once


def test_a_declined_proposal_is_gone_and_the_teacher_told(crown: Any, fay: Any) -> None:
    from mutualaid.channels.models import Notice

    series = propose(crown, fay)
    assert services.skillshare_decide(series=series, approve=False) is None
    assert not Series.objects.filter(pk=series.pk).exists()
    assert Notice.objects.filter(user=fay, kind="skillshare_declined").count() == 1


def test_a_coordinators_skill_share_opens_at_once_every_first_saturday(crown: Any, ada: Any) -> None:
    start = timezone.localdate() + datetime.timedelta(days=1)
    while start.weekday() != 5 or start.day > 7:
        start += datetime.timedelta(days=1)
    series = propose(crown, ada, by_coordinator=True, rule="FREQ=MONTHLY;BYDAY=1SA", starts_on=start)
    assert series.approved and series.active
    days = [o.starts_at.date() for o in series.occurrences.all()]
    assert len(days) >= 3
    assert all(d.weekday() == 5 and d.day <= 7 for d in days)


@pytest.mark.parametrize(
    ("change", "field"),
    [({"seats": 0}, "seats"), ({"description": "x" * 2001}, "description"), ({"title": " "}, "title")],
)
def test_impossible_skill_shares_are_refused(
    crown: Any, fay: Any, change: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        propose(crown, fay, **change)
    assert field in caught.value.message_dict
    assert not Series.objects.exists()


def test_someone_outside_the_group_cannot_teach(crown: Any, cy: Any) -> None:
    with pytest.raises(ValidationError):
        propose(crown, cy)


def _open_session(crown: Any, teacher: Any) -> Occurrence:
    series = propose(crown, teacher, by_coordinator=True)
    occurrence = series.occurrences.get()
    return occurrence


def test_seats_then_waitlist_then_i_cant_come_moves_the_next_person_up(
    client_for: Any, crown: Any, ada: Any, ben: Any, fay: Any, ida: Any
) -> None:
    occurrence = _open_session(crown, ada)
    join = reverse("shifts_skillshare_join", kwargs={"slug": "crown", "occurrence_id": occurrence.pk})
    for user in (ben, fay, ida):
        assert client_for(user).post(join).status_code == 302
    states = {s.user_id: s.state for s in Signup.objects.filter(occurrence=occurrence)}
    assert states == {ben.pk: "confirmed", fay.pk: "confirmed", ida.pk: "waitlisted"}
    page = client_for(ida).get(reverse("shifts_skillshares", kwargs={"slug": "crown"}))
    assert b"0 seats left" in page.content and b"You are number 1 on the waitlist." in page.content
    assert b"SECRET-ADDRESS" not in page.content  # the address is for people with a seat
    assert b"SECRET-DESCRIPTION" in page.content
    bens = Signup.objects.get(occurrence=occurrence, user=ben)
    leave = reverse("shifts_skillshare_leave", kwargs={"slug": "crown", "signup_id": bens.pk})
    assert client_for(fay).post(leave).status_code == 404  # not fay's seat
    assert client_for(ben).post(leave).status_code == 302
    assert Signup.objects.get(occurrence=occurrence, user=ida).state == SignupState.CONFIRMED
    page = client_for(ida).get(reverse("shifts_skillshares", kwargs={"slug": "crown"}))
    assert b"You have a seat." in page.content and b"SECRET-ADDRESS" in page.content


def test_join_is_only_for_skill_shares(client_for: Any, pantry: Any, ben: Any) -> None:
    occurrence = pantry.occurrences.filter(starts_at__gt=timezone.now()).first()
    join = reverse("shifts_skillshare_join", kwargs={"slug": "crown", "occurrence_id": occurrence.pk})
    assert client_for(ben).post(join).status_code == 404
    assert not Signup.objects.exists()


def test_the_teacher_records_who_came(client_for: Any, crown: Any, ada: Any, fay: Any, ben: Any) -> None:
    series = propose(crown, fay)
    services.skillshare_decide(series=series, approve=True)
    occurrence = series.occurrences.get()
    services.signup_create(occurrence=occurrence, role=services.seat_role(series), user=ben)
    Occurrence.objects.filter(pk=occurrence.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=1),
        ends_at=timezone.now() + datetime.timedelta(hours=1),
    )
    page = client_for(fay).get(reverse("shifts_skillshares", kwargs={"slug": "crown"}))
    url = reverse("shifts_attendance", kwargs={"slug": "crown", "occurrence_id": occurrence.pk})
    assert url.encode() in page.content  # "Sessions you taught: who came?"
    assert client_for(ben).get(url).status_code == 403  # a student does not record attendance
    signup = Signup.objects.get(occurrence=occurrence, user=ben)
    assert client_for(fay).post(url, {}).status_code == 302  # ben left unticked: did not come
    signup.refresh_from_db()
    assert signup.attended is False
    client_for(fay).post(url, {f"came-{signup.pk}": "yes"})
    signup.refresh_from_db()
    assert signup.attended is True


def test_a_member_proposes_on_the_page_and_a_coordinator_approves(
    client_for: Any, crown: Any, ada: Any, fay: Any
) -> None:
    page = client_for(fay).post(
        reverse("shifts_skillshare_propose", kwargs={"slug": "crown"}),
        {
            "title": "English conversation",
            "description": "Beginners welcome",
            "starts_on": (timezone.localdate() + datetime.timedelta(days=2)).isoformat(),
            "start_time": "18:00",
            "duration_minutes": "60",
            "repeat": "weekly",
            "seats": "8",
        },
    )
    assert page.status_code == 302
    series = Series.objects.get(kind=SeriesKind.SKILL_SHARE)
    assert series.lead == fay and not series.approved and series.rule.startswith("FREQ=WEEKLY;BYDAY=")
    assert services.seat_role(series).slots == 8
    listing = reverse("shifts_skillshares", kwargs={"slug": "crown"})
    assert b"Your proposals, waiting for a coordinator" in client_for(fay).get(listing).content
    decide = reverse("shifts_skillshare_decide", kwargs={"slug": "crown", "series_id": series.pk})
    assert client_for(fay).post(decide, {"decision": "approve"}).status_code == 403
    assert b"Proposals to approve" in client_for(ada).get(listing).content
    assert client_for(ada).post(decide, {"decision": "approve"}).status_code == 302
    series.refresh_from_db()
    assert series.approved and series.occurrences.exists()
    content = client_for(fay).get(listing).content
    assert b"You teach this session." in content


def test_a_proposal_with_errors_shows_them_and_writes_nothing(client_for: Any, crown: Any, fay: Any) -> None:
    page = client_for(fay).post(
        reverse("shifts_skillshare_propose", kwargs={"slug": "crown"}),
        {"title": "", "starts_on": "nonsense", "start_time": "18:00", "duration_minutes": "60", "seats": "0"},
    )
    assert page.status_code == 400
    assert not Series.objects.exists()


def test_the_api_proposes_decides_filters_by_kind_and_joins_a_seat(
    api_for: Any, crown: Any, pantry: Any, ada: Any, ben: Any, fay: Any
) -> None:
    created = api_for(fay).post(
        "/api/v1/groups/crown/shifts/skillshares",
        {
            "title": "Know your rights",
            "description": "What to say at the door",
            "starts_on": (timezone.localdate() + datetime.timedelta(days=2)).isoformat(),
            "start_time": "17:00",
            "duration_minutes": 90,
            "seats": 1,
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["kind"] == "skillshare" and body["approved"] is False and body["lead_id"] == fay.pk
    series_id, seat_id = body["id"], body["roles"][0]["id"]
    # A pending proposal: listed to coordinators and to its teacher, not to other members.
    listed = {s["id"] for s in api_for(ben).get("/api/v1/groups/crown/shifts/series").json()}
    assert series_id not in listed and pantry.pk in listed
    assert series_id in {s["id"] for s in api_for(fay).get("/api/v1/groups/crown/shifts/series").json()}
    decide = f"/api/v1/groups/crown/shifts/skillshares/{series_id}/decision"
    payload = {"approve": True}
    assert api_for(ben).post(decide, payload, content_type="application/json").status_code == 403
    assert api_for(ada).post(decide, payload, content_type="application/json").json() == {"approved": True}
    kinds = api_for(ben).get("/api/v1/groups/crown/shifts/series", {"kind": "skillshare"}).json()
    assert [s["id"] for s in kinds] == [series_id]
    shifts = api_for(ben).get("/api/v1/groups/crown/shifts/series", {"kind": "shift"}).json()
    assert [s["id"] for s in shifts] == [pantry.pk]
    assert api_for(ben).get("/api/v1/groups/crown/shifts/series", {"kind": "other"}).status_code == 422
    occurrence = Occurrence.objects.get(series_id=series_id)
    signups = f"/api/v1/groups/crown/shifts/occurrences/{occurrence.pk}/signups"
    seat = api_for(ben).post(signups, {"role_id": seat_id}, content_type="application/json")
    assert seat.status_code == 201 and seat.json()["state"] == "confirmed"
    again = api_for(ada).post(signups, {"role_id": seat_id}, content_type="application/json")
    assert again.json()["state"] == "waitlisted"  # one seat only
    pantry_decide = f"/api/v1/groups/crown/shifts/skillshares/{pantry.pk}/decision"
    assert api_for(ada).post(pantry_decide, payload, content_type="application/json").status_code == 404


def test_seat_holders_get_the_session_reminder_and_open_seats_alert_nobody(
    crown: Any, ada: Any, ben: Any, fay: Any
) -> None:
    from mutualaid.channels.models import Notice

    occurrence = _open_session(crown, fay)
    services.signup_create(occurrence=occurrence, role=services.seat_role(occurrence.series), user=ben)
    done = services.check_staffing(now=occurrence.starts_at - datetime.timedelta(hours=2))
    assert done == {"cancelled": 0, "alerts": 0, "reminders": 1}
    assert Notice.objects.filter(user=ben, kind="skillshare_reminder").count() == 1
    assert not Notice.objects.filter(kind="shift_needs").exists()  # a free seat is not a staffing gap


def test_the_list_costs_the_same_queries_for_many_sessions(
    client_for: Any, crown: Any, ada: Any, ben: Any, fay: Any
) -> None:
    from tests.helpers import assert_query_count

    listing = reverse("shifts_skillshares", kwargs={"slug": "crown"})
    propose(crown, fay, by_coordinator=True, title="One")
    client = client_for(ben)
    client.get(listing)
    with assert_query_count(
        9
    ) as first:  # session, user, membership, sessions, roles, mine, proposals, to record, notices
        assert client.get(listing).status_code == 200
    for n in range(5):
        series = propose(
            crown,
            ada,
            by_coordinator=True,
            title=f"Weekly {n}",
            rule="FREQ=WEEKLY",
            start_time=datetime.time(8 + 2 * n),
        )
        services.signup_create(
            occurrence=series.occurrences.first(), role=services.seat_role(series), user=fay
        )
    with assert_query_count(len(first)):
        page = client.get(listing)
    assert page.content.count(b'class="card" id="session-') == 60  # the first 60 sessions


def test_description_and_address_are_sealed_at_rest(crown: Any, fay: Any) -> None:
    from django.db import connection

    series = propose(crown, fay)
    with connection.cursor() as cursor:
        cursor.execute("SELECT description, address FROM shifts_series WHERE id = %s", [series.pk])
        description, address = cursor.fetchone()
    assert "SECRET-DESCRIPTION" not in description and "SECRET-ADDRESS" not in address
    series.refresh_from_db()
    assert series.description.startswith("SECRET-DESCRIPTION")


def test_the_list_speaks_spanish(client_for: Any, crown: Any, ada: Any, ben: Any) -> None:
    _open_session(crown, ada)
    ben.language = "es"
    ben.save(update_fields=["language"])
    page = client_for(ben).get(
        reverse("shifts_skillshares", kwargs={"slug": "crown"}), HTTP_ACCEPT_LANGUAGE="es"
    )
    assert "Quedan 2 plazas" in page.content.decode()


def test_a_waiting_proposal_is_hidden_from_other_members(
    client_for: Any, api_for: Any, crown: Any, ada: Any, ben: Any, fay: Any
) -> None:
    series = propose(crown, fay)
    page = reverse("shifts_series", kwargs={"slug": "crown", "series_id": series.pk})
    api = f"/api/v1/groups/crown/shifts/series/{series.pk}"
    assert client_for(ben).get(page).status_code == 404
    assert api_for(ben).get(api).status_code == 404
    assert client_for(fay).get(page).status_code == 200
    assert client_for(ada).get(page).status_code == 200
    assert (
        b"SECRET-DESCRIPTION"
        not in client_for(ben).get(reverse("shifts_skillshares", args=["crown"])).content
    )
    services.skillshare_decide(series=series, approve=True)
    assert client_for(ben).get(page).status_code == 200


def test_the_teacher_calls_a_session_off_and_the_seats_are_told(
    client_for: Any, crown: Any, ada: Any, ben: Any, fay: Any
) -> None:
    from mutualaid.channels.models import Notice

    series = propose(crown, fay)
    services.skillshare_decide(series=series, approve=True)
    occurrence = series.occurrences.get()
    services.signup_create(occurrence=occurrence, role=services.seat_role(series), user=ben)
    cancel = reverse("shifts_skillshare_cancel", kwargs={"slug": "crown", "occurrence_id": occurrence.pk})
    assert client_for(ben).post(cancel).status_code == 403  # a student cannot
    assert (
        b"Cancel this session" in client_for(fay).get(reverse("shifts_skillshares", args=["crown"])).content
    )
    assert client_for(fay).post(cancel).status_code == 302
    occurrence.refresh_from_db()
    assert occurrence.status == "cancelled"
    assert Notice.objects.filter(user=ben, kind="skillshare_cancelled").count() == 1
    page = client_for(ben).get(reverse("shifts_skillshares", args=["crown"]))
    assert b"Cancelled" in page.content and b"I can&#x27;t come" not in page.content
