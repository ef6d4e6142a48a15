"""The life of a stay: a member offers a place, a coordinator proposes a stay for a housing need, the
host agrees, a SECOND coordinator confirms, the guest learns the address (audited), coordinators check
in, the stay ends and the place is free again."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from mutualaid.core.models import SensitiveRead
from mutualaid.housing import selectors, services
from mutualaid.housing.models import CheckIn, Offer, Stay
from tests.helpers import without_random
from tests.housing.conftest import housing_need, make_offer, tomorrow


def test_offer_is_sealed_and_seen_only_by_host_and_coordinators(
    offer: Any, ben: Any, fay: Any, ada: Any, client_for: Any
) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT address, who, pets FROM housing_offer WHERE id = %s", [offer.pk])
        raw = " ".join(str(v) for v in cursor.fetchone())
    clear = without_random(raw)
    assert "Secret Lane" not in clear and "adult" not in clear and "cat" not in clear
    url = reverse("housing_offer", args=["crown", offer.pk])
    assert client_for(fay).get(url).status_code == 404
    host_page = client_for(ben).get(url)
    assert "12 Secret Lane" in host_page.content.decode()
    assert not SensitiveRead.objects.exists()  # the host reading their own address is not audited
    coordinator_page = client_for(ada).get(url)
    assert "12 Secret Lane" in coordinator_page.content.decode()
    assert SensitiveRead.objects.filter(reader=ada, subject_id=offer.pk, fields="address").count() == 1
    # Never on the board.
    board = client_for(fay).get(reverse("exchange_board", args=["crown"])).content.decode()
    assert "Secret Lane" not in board


def test_two_person_rule(proposed: Any, ada: Any, ida: Any, ben: Any) -> None:
    with pytest.raises(ValidationError, match="host has not agreed"):
        services.stay_step(stay=proposed, actor=ida, action="confirm")
    services.stay_step(stay=proposed, actor=ben, action="agree")
    with pytest.raises(ValidationError, match="second, different coordinator"):
        services.stay_step(stay=proposed, actor=ada, action="confirm")
    with pytest.raises(PermissionDenied):
        services.stay_step(stay=proposed, actor=ben, action="confirm")
    stay = services.stay_step(stay=proposed, actor=ida, action="confirm")
    assert stay.state == "confirmed" and stay.confirmed_by == ida


def test_guest_learns_the_address_only_once_confirmed(
    proposed: Any, ben: Any, ida: Any, fay: Any, client_for: Any
) -> None:
    url = reverse("housing_stay", args=["crown", proposed.pk])
    page = client_for(fay).get(url).content.decode()
    assert "Secret Lane" not in page and "once the stay is arranged" in page
    services.stay_step(stay=proposed, actor=ben, action="agree")
    assert "Secret Lane" not in client_for(fay).get(url).content.decode()
    services.stay_step(stay=proposed, actor=ida, action="confirm")
    SensitiveRead.objects.all().delete()
    page = client_for(fay).get(url).content.decode()
    assert "12 Secret Lane, apt 3" in page
    assert SensitiveRead.objects.filter(reader=fay, fields="address").count() == 1


def test_strangers_to_a_stay_get_404(proposed: Any, cy: Any, client_for: Any, crown: Any) -> None:
    from mutualaid.members.models import Membership
    from tests.conftest import make_user

    gil = make_user("gil")
    Membership.objects.create(user=gil, group=crown)
    url = reverse("housing_stay", args=["crown", proposed.pk])
    assert client_for(gil).get(url).status_code == 404
    assert client_for(cy).get(url).status_code == 404


def test_proposal_rules(offer: Any, need: Any, ada: Any, ben: Any, crown: Any) -> None:
    start = tomorrow()
    with pytest.raises(ValidationError) as exc:
        services.stay_propose(
            offer=offer, actor=ada, need=need, starts_on=start, ends_on=start + datetime.timedelta(days=6)
        )
    assert "ends_on" in exc.value.message_dict  # ben offers at most 5 nights
    food = housing_need(crown, ben)
    food.category = "food"
    food.save()
    with pytest.raises(ValidationError) as exc:
        services.stay_propose(
            offer=offer, actor=ada, need=food, starts_on=start, ends_on=start + datetime.timedelta(days=1)
        )
    assert "need" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        services.stay_propose(
            offer=offer, actor=ben, need=need, starts_on=start, ends_on=start + datetime.timedelta(days=1)
        )
    services.stay_propose(
        offer=offer, actor=ada, need=need, starts_on=start, ends_on=start + datetime.timedelta(days=1)
    )
    with pytest.raises(ValidationError, match="already has a stay"):
        services.stay_propose(
            offer=offer, actor=ada, need=need, starts_on=start, ends_on=start + datetime.timedelta(days=1)
        )


def test_checkins_end_and_offer_free_again(
    proposed: Any, ben: Any, ida: Any, ada: Any, need: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from mutualaid.channels.models import Notice

    services.stay_step(stay=proposed, actor=ben, action="agree")
    with django_capture_on_commit_callbacks(execute=True):
        services.stay_step(stay=proposed, actor=ida, action="confirm")
    assert set(
        Notice.objects.filter(kind="housing_stay_arranged").values_list("user__username", flat=True)
    ) == {
        "ben",
        "fay",
    }
    offer = proposed.offer
    assert not selectors.is_free(offer)
    services.stay_step(stay=proposed, actor=ada, action="checkin", all_well=False, note="Heating broken")
    checkin = CheckIn.objects.get()
    assert not checkin.all_well and checkin.note == "Heating broken" and checkin.recorded_by == ada
    services.stay_step(stay=proposed, actor=ada, action="end")
    assert Stay.objects.get().state == "ended"
    assert selectors.is_free(Offer.objects.get(pk=offer.pk))
    with pytest.raises(ValidationError):
        services.stay_step(stay=proposed, actor=ada, action="checkin")
    # Free again: a new stay can be proposed.
    start = tomorrow()
    services.stay_propose(
        offer=offer, actor=ada, need=need, starts_on=start, ends_on=start + datetime.timedelta(days=1)
    )


def test_checkin_reminders_once_per_due_checkin(proposed: Any, ben: Any, ida: Any, ada: Any) -> None:
    from django.utils import timezone

    from mutualaid.channels.models import Notice

    services.stay_step(stay=proposed, actor=ben, action="agree")
    services.stay_step(stay=proposed, actor=ida, action="confirm")
    stay = Stay.objects.get()
    before = timezone.now()
    assert services.remind_checkins(now=before) == 0  # the stay starts tomorrow
    first = services.checkin_due_at(stay) + datetime.timedelta(minutes=5)
    assert services.remind_checkins(now=first) == 2  # ada and ida
    assert services.remind_checkins(now=first + datetime.timedelta(hours=1)) == 0
    assert Notice.objects.filter(kind="housing_checkin_due").count() == 2
    Stay.objects.filter(pk=stay.pk).update(last_checkin_at=first, reminded_at=None)
    assert services.remind_checkins(now=first + datetime.timedelta(days=1)) == 0
    assert services.remind_checkins(now=first + datetime.timedelta(days=2, minutes=1)) == 2


def test_ended_stays_are_purged_after_retention(
    proposed: Any, ben: Any, ida: Any, ada: Any, crown: Any
) -> None:
    from django.utils import timezone

    from mutualaid.core.retention import purge_expired, retention_period

    services.stay_step(stay=proposed, actor=ben, action="agree")
    services.stay_step(stay=proposed, actor=ida, action="confirm")
    services.stay_step(stay=proposed, actor=ada, action="checkin")
    services.stay_step(stay=proposed, actor=ada, action="end")
    other = services.stay_propose(
        offer=make_offer(crown, ada),
        actor=ida,
        need=proposed.need,
        starts_on=tomorrow(),
        ends_on=tomorrow() + datetime.timedelta(days=1),
    )
    purge_expired(now=timezone.now() + retention_period() - datetime.timedelta(days=1))
    assert Stay.objects.count() == 2
    purge_expired(now=timezone.now() + retention_period() + datetime.timedelta(days=1))
    assert list(Stay.objects.values_list("pk", flat=True)) == [other.pk]  # a live stay is kept
    assert not CheckIn.objects.exists()


def test_a_proposal_asks_the_host_and_the_other_coordinators(
    offer: Any, need: Any, ada: Any, ida: Any, ben: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from mutualaid.channels.models import Notice

    with django_capture_on_commit_callbacks(execute=True):
        services.stay_propose(
            offer=offer,
            actor=ada,
            need=need,
            starts_on=tomorrow(),
            ends_on=tomorrow() + datetime.timedelta(days=1),
        )
    assert list(
        Notice.objects.filter(kind="housing_host_asked").values_list("user__username", flat=True)
    ) == ["ben"]
    # The proposer is not asked to confirm their own proposal.
    assert list(
        Notice.objects.filter(kind="housing_confirm_needed").values_list("user__username", flat=True)
    ) == ["ida"]


def test_the_worker_runs_the_checkin_reminders(proposed: Any, ben: Any, ida: Any) -> None:
    from django.apps import apps
    from django.utils.module_loading import import_string

    from mutualaid.channels.models import Notice

    services.stay_step(stay=proposed, actor=ben, action="agree")
    services.stay_step(stay=proposed, actor=ida, action="confirm")
    Stay.objects.filter(pk=proposed.pk).update(starts_on=proposed.starts_on - datetime.timedelta(days=2))
    periodic = {p.name: p for p in apps.get_app_config("housing").periodic}  # type: ignore[attr-defined]
    job = import_string(periodic["housing.checkins"].task_path)
    assert job.call() == 2
    assert Notice.objects.filter(kind="housing_checkin_due").count() == 2
