"""The posting-flood limit holds when one member's posts arrive at the same instant (PostgreSQL, threads)."""

from __future__ import annotations

from typing import Any

import pytest

from mutualaid.exchange import services
from mutualaid.exchange.models import Post
from tests.helpers import make_post
from tests.races import outcomes, race, require_postgresql

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_a_burst_of_parallel_posts_stops_at_the_limit(ben: Any, crown: Any) -> None:
    require_postgresql()
    for i in range(services.FLOOD_POSTS_PER_HOUR - 3):
        make_post(crown, ben, title=f"earlier {i}")
    results = race([lambda i=i: make_post(crown, ben, title=f"burst {i}") for i in range(8)])
    assert (
        outcomes(results, refused=(services.PostingFlood,), won="posted") == ["posted"] * 3 + ["refused"] * 5
    )
    assert Post.objects.filter(author=ben).count() == services.FLOOD_POSTS_PER_HOUR
