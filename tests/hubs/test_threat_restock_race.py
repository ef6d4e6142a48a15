"""Eight phones report the same fridge empty at once: every report is kept, and exactly one restock
need is on the board (the hub's row lock; PostgreSQL)."""

from __future__ import annotations

from typing import Any

import pytest

from mutualaid.exchange.models import Post
from mutualaid.hubs import services
from mutualaid.hubs.models import Report
from tests.races import race, require_postgresql


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_simultaneous_empty_reports_post_one_restock_need(fridge: Any) -> None:
    require_postgresql()
    results = race([lambda: services.report_create(hub=fridge, condition="good", food_level=0)] * 8)
    assert not [r for r in results if isinstance(r, BaseException)], results
    assert Report.objects.filter(hub=fridge).count() == 8
    assert Post.objects.filter(kind="need").count() == 1
