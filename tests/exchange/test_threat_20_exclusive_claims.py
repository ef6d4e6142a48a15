"""THREATS.md property 20: claims are exclusive under concurrency.

Two members claim the same need at the same instant on PostgreSQL, five rounds: exactly one wins each time.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from mutualaid.exchange import services
from mutualaid.exchange.models import Claim
from tests.exchange.conftest import make_post


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_members_claiming_at_once_exactly_one_wins(crown: Any, ben: Any, fay: Any, ada: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row-lock concurrency is proven on PostgreSQL")
    from django.db import connections

    post = make_post(crown, ben)
    for _round in range(5):
        barrier = threading.Barrier(2)
        results: dict[str, str] = {}

        def claim(user: Any, barrier: threading.Barrier = barrier, results: dict[str, str] = results) -> None:
            try:
                barrier.wait()
                services.claim_create(post=post, claimant=user)
                results[user.username] = "won"
            except ValidationError:
                results[user.username] = "lost"
            finally:
                connections.close_all()

        threads = [threading.Thread(target=claim, args=(u,)) for u in (fay, ada)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(results.values()) == ["lost", "won"]
        assert Claim.objects.filter(post=post, state="pending").count() == 1
        winner = Claim.objects.get(post=post, state="pending")
        services.claim_decide(claim=winner, actor=ben, accept=False)
