"""Two members ask for the last free item at the same moment: exactly one gets it held, the other is
first on the waitlist (the item's row lock; PostgreSQL). And eight at once: one holder, seven in line."""

from __future__ import annotations

from typing import Any

import pytest

from mutualaid.lending import services
from mutualaid.lending.models import Loan
from tests.conftest import make_user
from tests.races import race, require_postgresql


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_requests_for_the_last_free_item_one_gets_it(drill: Any, ben: Any, fay: Any) -> None:
    require_postgresql()
    results = race([lambda m=m: services.request(item=drill, member=m) for m in (ben, fay)])
    assert not [r for r in results if isinstance(r, BaseException)], results
    states = sorted(Loan.objects.filter(item=drill).values_list("state", flat=True))
    assert states == ["ready", "waiting"]


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_eight_requests_at_once_one_holder_seven_in_line(drill: Any, crown: Any) -> None:
    require_postgresql()
    from mutualaid.members.models import Membership

    people = [make_user(f"neighbour{i}") for i in range(8)]
    for person in people:
        Membership.objects.create(user=person, group=crown)
    results = race([lambda p=p: services.request(item=drill, member=p) for p in people])
    assert not [r for r in results if isinstance(r, BaseException)], results
    states = list(Loan.objects.filter(item=drill).values_list("state", flat=True))
    assert states.count("ready") == 1 and states.count("waiting") == 7
