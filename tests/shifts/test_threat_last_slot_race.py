"""The last free slot taken by two people at once: exactly one gets it, the other is waitlisted
(PostgreSQL row locks; five rounds)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from mutualaid.shifts import services
from mutualaid.shifts.models import Signup
from tests.shifts.conftest import next_occurrence, role


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_members_taking_the_last_slot_at_once_exactly_one_gets_it(
    pantry: Any, gus: Any, hal: Any
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row-lock concurrency is proven on PostgreSQL")
    from django.db import connections

    occurrence = next_occurrence(pantry)
    driver = role(pantry, "driver")  # one place
    for _round in range(5):
        barrier = threading.Barrier(2)
        states: dict[str, str] = {}

        def take(user: Any, barrier: threading.Barrier = barrier, states: dict[str, str] = states) -> None:
            try:
                barrier.wait()
                states[user.username] = services.signup_create(
                    occurrence=occurrence, role=driver, user=user
                ).state
            finally:
                connections.close_all()

        threads = [threading.Thread(target=take, args=(u,)) for u in (gus, hal)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(states.values()) == ["confirmed", "waitlisted"]
        assert Signup.objects.filter(occurrence=occurrence, role=driver, state="confirmed").count() == 1
        Signup.objects.filter(occurrence=occurrence).delete()
