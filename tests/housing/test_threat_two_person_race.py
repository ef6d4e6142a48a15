"""Two coordinators confirm the same stay at once, or one confirms while another cancels: the stay's
row lock makes exactly one of them win, and the stay ends in one legal state (PostgreSQL)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from mutualaid.housing import services
from mutualaid.housing.models import Stay
from mutualaid.members.models import Membership
from tests.conftest import enable_totp, make_user
from tests.races import outcomes, race, require_postgresql


def _third_coordinator(crown: Any) -> Any:
    user = make_user("joy")
    Membership.objects.create(user=user, group=crown, role="coordinator")
    enable_totp(user)
    return user


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_confirmations_at_once_resolve_to_one(proposed: Any, ben: Any, ida: Any, crown: Any) -> None:
    require_postgresql()
    joy = _third_coordinator(crown)
    services.stay_step(stay=proposed, actor=ben, action="agree")
    results = race(
        [
            lambda: services.stay_step(stay=proposed, actor=ida, action="confirm"),
            lambda: services.stay_step(stay=proposed, actor=joy, action="confirm"),
        ]
    )
    assert sorted(outcomes(results, refused=(ValidationError,))) == ["refused", "won"]
    stay = Stay.objects.get()
    assert stay.state == "confirmed"
    winner = ida if not isinstance(results[0], BaseException) else joy
    assert stay.confirmed_by_id == winner.pk


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_confirm_and_cancel_at_once_resolve_to_one(proposed: Any, ben: Any, ida: Any, ada: Any) -> None:
    require_postgresql()
    services.stay_step(stay=proposed, actor=ben, action="agree")
    for _round in range(3):
        results = race(
            [
                lambda: services.stay_step(stay=proposed, actor=ida, action="confirm"),
                lambda: services.stay_step(stay=proposed, actor=ada, action="cancel"),
            ]
        )
        stay = Stay.objects.get(pk=proposed.pk)
        confirmed, cancelled = results
        if isinstance(confirmed, BaseException):
            # The cancel won: the confirmation was refused and nobody learns the address.
            assert isinstance(confirmed, ValidationError)
            assert stay.state == "cancelled" and stay.confirmed_by_id is None
        else:
            # The confirmation won, then the cancel (which may follow it) cancelled an arranged stay.
            assert not isinstance(cancelled, BaseException)
            assert stay.state == "cancelled" and stay.confirmed_by_id == ida.pk
        assert stay.closed_at is not None
        # A fresh proposal for the next round.
        Stay.objects.filter(pk=proposed.pk).update(
            state="proposed", confirmed_by=None, confirmed_at=None, closed_at=None
        )


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_cancel_of_what_was_seen_never_cancels_a_confirmation_that_won(
    proposed: Any, ben: Any, ida: Any, ada: Any
) -> None:
    """Both pages showed the stay proposed: the confirmation and the cancel race; exactly one applies."""
    require_postgresql()
    services.stay_step(stay=proposed, actor=ben, action="agree")
    for _round in range(3):
        results = race(
            [
                lambda: services.stay_step(stay=proposed, actor=ida, action="confirm", seen="proposed"),
                lambda: services.stay_step(stay=proposed, actor=ada, action="cancel", seen="proposed"),
            ]
        )
        assert sorted(outcomes(results, refused=(ValidationError,))) == ["refused", "won"]
        stay = Stay.objects.get(pk=proposed.pk)
        confirmed, _cancelled = results
        if isinstance(confirmed, BaseException):
            assert stay.state == "cancelled" and stay.confirmed_by_id is None
        else:
            assert stay.state == "confirmed" and stay.confirmed_by_id == ida.pk and stay.closed_at is None
        Stay.objects.filter(pk=proposed.pk).update(
            state="proposed", confirmed_by=None, confirmed_at=None, closed_at=None
        )
