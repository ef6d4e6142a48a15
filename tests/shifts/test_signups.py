"""Series, occurrences, sign-ups, the waitlist, swaps and the errors people get for impossible input."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from mutualaid.channels.models import OutboundMessage
from mutualaid.shifts import services
from mutualaid.shifts.models import Occurrence, Signup, SignupState
from tests.shifts.conftest import make_series, next_occurrence, role


def _email(*users: Any) -> None:
    for user in users:
        user.email = f"{user.username}@example.org"
        user.save(update_fields=["email"])


def test_a_series_materialises_its_saturdays_ahead_at_ten_local(pantry: Any) -> None:
    occurrences = list(Occurrence.objects.filter(series=pantry, starts_at__gt=timezone.now()))
    assert 16 <= len(occurrences) <= 19  # ~120 days of Saturdays
    for occurrence in occurrences:
        local = occurrence.starts_at.astimezone(datetime.timezone(datetime.timedelta(hours=-5)))
        assert local.weekday() in (5,)
        assert occurrence.ends_at - occurrence.starts_at == datetime.timedelta(hours=3)
    assert services.materialise(series=pantry) == 0  # idempotent


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"duration_minutes": 0}, "duration_minutes"),
        ({"until": datetime.date(2020, 1, 1), "starts_on": datetime.date(2021, 1, 1)}, "until"),
        ({"rule": "FREQ=SOMETIMES"}, "rule"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"roles": [{"name": "driver", "slots": 0}]}, "slots"),
        ({"roles": []}, "roles"),
        ({"title": "  "}, "title"),
    ],
)
def test_impossible_series_are_refused_with_a_field_error(
    crown: Any, change: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        make_series(crown, **change)
    assert field in caught.value.message_dict
    from mutualaid.shifts.models import Series

    assert not Series.objects.exists()  # nothing half-written


def test_sign_up_then_waitlist_then_promotion_with_a_notice(
    pantry: Any, ben: Any, gus: Any, hal: Any
) -> None:
    _email(ben, gus, hal)
    occurrence = next_occurrence(pantry)
    driver = role(pantry, "driver")
    first = services.signup_create(occurrence=occurrence, role=driver, user=ben)
    second = services.signup_create(occurrence=occurrence, role=driver, user=gus)
    third = services.signup_create(occurrence=occurrence, role=driver, user=hal)
    assert (first.state, second.state, third.state) == ("confirmed", "waitlisted", "waitlisted")
    assert services.waitlist_position(second) == 1 and services.waitlist_position(third) == 2
    with pytest.raises(ValidationError):
        services.signup_create(occurrence=occurrence, role=driver, user=hal, waitlist=False)
    promoted = services.signup_drop(signup=first)
    assert promoted is not None and promoted.user == gus
    assert Signup.objects.get(pk=second.pk).state == SignupState.CONFIRMED
    assert Signup.objects.get(pk=third.pk).state == SignupState.WAITLISTED
    assert services.waitlist_position(Signup.objects.get(pk=third.pk)) == 1
    told = OutboundMessage.objects.filter(kind="shift_promoted")
    assert [m.user.username for m in told] == ["gus"]
    assert "Saturday pantry" in told[0].body and "SECRET" not in told[0].body


def test_dropping_from_the_waitlist_promotes_nobody(pantry: Any, ben: Any, gus: Any) -> None:
    occurrence = next_occurrence(pantry)
    driver = role(pantry, "driver")
    services.signup_create(occurrence=occurrence, role=driver, user=ben)
    waiting = services.signup_create(occurrence=occurrence, role=driver, user=gus)
    assert services.signup_drop(signup=waiting) is None
    with pytest.raises(ValidationError):
        services.signup_drop(signup=waiting)


def test_more_places_promote_the_waitlist(pantry: Any, ben: Any, gus: Any) -> None:
    occurrence = next_occurrence(pantry)
    driver = role(pantry, "driver")
    services.signup_create(occurrence=occurrence, role=driver, user=ben)
    waiting = services.signup_create(occurrence=occurrence, role=driver, user=gus)
    services.role_update(role=driver, slots=2)
    assert Signup.objects.get(pk=waiting.pk).state == "confirmed"


def test_double_booking_past_and_foreign_sign_ups_are_refused(
    crown: Any, pantry: Any, ben: Any, cy: Any
) -> None:
    occurrence = next_occurrence(pantry)
    services.signup_create(occurrence=occurrence, role=role(pantry, "sorter"), user=ben)
    with pytest.raises(ValidationError, match="already signed up for this shift"):
        services.signup_create(occurrence=occurrence, role=role(pantry, "driver"), user=ben)
    overlapping = make_series(
        crown, title="Fridge restock", start_time=datetime.time(11, 0), roles=[{"name": "any", "slots": 2}]
    )
    clash = overlapping.occurrences.get(starts_at__date=occurrence.starts_at.date())
    with pytest.raises(ValidationError, match="another shift at that time"):
        services.signup_create(occurrence=clash, role=overlapping.roles.get(), user=ben)
    past = pantry.occurrences.filter(starts_at__lt=timezone.now()).first() or Occurrence.objects.create(
        series=pantry,
        recurrence_id=timezone.now() - datetime.timedelta(days=1),
        starts_at=timezone.now() - datetime.timedelta(days=1),
        ends_at=timezone.now() - datetime.timedelta(hours=20),
    )
    with pytest.raises(ValidationError, match="in the past"):
        services.signup_create(occurrence=past, role=role(pantry, "sorter"), user=ben)
    with pytest.raises(ValidationError, match="Only members"):
        services.signup_create(occurrence=next_occurrence(pantry), role=role(pantry, "sorter"), user=cy)
    assert Signup.objects.count() == 1


def test_every_week_until_signs_up_for_each_occurrence_and_stops(pantry: Any, ben: Any) -> None:
    until = timezone.localdate() + datetime.timedelta(days=30)
    standing = services.standing_create(series=pantry, role=role(pantry, "sorter"), user=ben, until=until)
    count = Signup.objects.filter(user=ben, state="confirmed").count()
    assert 4 <= count <= 5
    assert services.standing_stop(standing=standing) == count
    assert not Signup.objects.filter(user=ben, state="confirmed").exists()


def test_swap_hands_a_place_to_another_member_who_accepts(pantry: Any, ben: Any, gus: Any, hal: Any) -> None:
    _email(gus)
    occurrence = next_occurrence(pantry)
    mine = services.signup_create(occurrence=occurrence, role=role(pantry, "driver"), user=ben)
    swap = services.swap_ask(signup=mine, to_user=gus)
    assert OutboundMessage.objects.filter(kind="shift_swap", user=gus).exists()
    with pytest.raises(ValidationError):
        services.swap_answer(swap=swap, user=hal, accept=True)
    services.swap_answer(swap=swap, user=gus, accept=True)
    assert Signup.objects.get(pk=mine.pk).state == "dropped"
    assert Signup.objects.get(occurrence=occurrence, user=gus).state == "confirmed"
    with pytest.raises(ValidationError):
        services.swap_answer(swap=swap, user=gus, accept=True)


def test_one_off_change_and_skip(pantry: Any, ben: Any) -> None:
    _email(ben)
    occurrence = next_occurrence(pantry)
    later = occurrence.starts_at + datetime.timedelta(hours=2)
    services.occurrence_change(occurrence=occurrence, starts_at=later, duration_minutes=60)
    services.series_update(series=pantry, title="Saturday pantry")  # rematerialise keeps the change
    occurrence.refresh_from_db()
    assert occurrence.starts_at == later and occurrence.overridden
    other = pantry.occurrences.filter(starts_at__gt=later).order_by("starts_at").first()
    services.signup_create(occurrence=other, role=role(pantry, "sorter"), user=ben)
    services.occurrence_skip(occurrence=other)
    other.refresh_from_db()
    pantry.refresh_from_db()
    assert other.status == "cancelled" and len(pantry.exdates) == 1
    assert OutboundMessage.objects.filter(kind="shift_cancelled", user=ben).exists()


def test_changing_the_rule_moves_empty_occurrences_and_cancels_taken_ones(pantry: Any, ben: Any) -> None:
    taken = next_occurrence(pantry)
    services.signup_create(occurrence=taken, role=role(pantry, "sorter"), user=ben)
    services.series_update(series=pantry, rule="FREQ=WEEKLY;BYDAY=SU")
    taken.refresh_from_db()
    assert taken.status == "cancelled"
    coming = Occurrence.objects.filter(series=pantry, starts_at__gt=timezone.now(), status="scheduled")
    assert coming.exists()
    assert all(
        o.starts_at.astimezone(datetime.timezone(datetime.timedelta(hours=-5))).weekday() == 6 for o in coming
    )
