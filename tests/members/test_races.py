"""Single use and uniqueness hold when people race (THREATS.md property 9), on PostgreSQL with threads.

One invitation link posted to a chat and opened by eight people at once makes one member; two people
choosing "Rosa" and "rosa" at the same instant get one account between them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from mutualaid.members.models import Invitation, Membership, User
from mutualaid.members.services import (
    InvitationUnusable,
    invitation_create,
    signup_with_invitation,
    user_create,
)
from tests.conftest import PASSWORD
from tests.races import outcomes, race, require_postgresql

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def _race(bodies: list[Callable[[], object]]) -> list[str]:
    return outcomes(race(bodies), refused=(InvitationUnusable, ValidationError))


@pytest.fixture(autouse=True)
def _postgresql() -> None:
    require_postgresql()


def test_one_invitation_opened_by_eight_people_at_once_makes_one_member(ben: Any, crown: Any) -> None:
    invitation, token = invitation_create(group=crown, created_by=ben)

    def sign_up(n: int) -> Callable[[], object]:
        return lambda: signup_with_invitation(
            token=token, username=f"friend{n}", password=PASSWORD, display_name=f"Friend {n}", language="en"
        )

    assert _race([sign_up(n) for n in range(8)]) == ["refused"] * 7 + ["won"]
    # Nothing half-written: the seven who lost have no account either.
    assert User.objects.filter(username__startswith="friend").count() == 1
    winner = User.objects.get(username__startswith="friend")
    assert Membership.objects.filter(group=crown, vouched_by=ben).get().user == winner
    assert Invitation.objects.get(pk=invitation.pk).used_by == winner


def test_two_people_choosing_the_same_name_in_different_case_get_one_account(db: Any) -> None:
    def create(name: str) -> Callable[[], object]:
        return lambda: user_create(username=name, password=PASSWORD, display_name=name)

    assert _race([create("Rosa"), create("rosa"), create("ROSA")]) == ["refused", "refused", "won"]
    assert User.objects.filter(username__iexact="rosa").count() == 1
