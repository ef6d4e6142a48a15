"""The posting-flood limit holds when one member's posts arrive at the same instant (PostgreSQL, threads)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, connections

from mutualaid.exchange import services
from mutualaid.exchange.models import Post
from tests.exchange.conftest import make_post

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_a_burst_of_parallel_posts_stops_at_the_limit(ben: Any, crown: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("races are proven on PostgreSQL")
    for i in range(services.FLOOD_POSTS_PER_HOUR - 3):
        make_post(crown, ben, title=f"earlier {i}")
    barrier = threading.Barrier(8)
    outcomes: list[str] = []
    lock = threading.Lock()

    def post(i: int) -> None:
        try:
            barrier.wait()
            make_post(crown, ben, title=f"burst {i}")
            outcome = "posted"
        except services.PostingFlood:
            outcome = "refused"
        except Exception as exc:  # reported in the assertion
            outcome = f"error: {exc!r}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=post, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["posted"] * 3 + ["refused"] * 5
    assert Post.objects.filter(author=ben).count() == services.FLOOD_POSTS_PER_HOUR
