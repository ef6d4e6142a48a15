"""Open needs and offers feed the matching engine in its instance format, with coarse locations only."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from mutualaid.exchange import selectors
from mutualaid.exchange.models import Post
from tests.helpers import make_post


def test_instance_has_open_located_posts_only(ben: Any, fay: Any, crown: Any) -> None:
    now = timezone.now()
    need = make_post(
        crown,
        ben,
        quantity=2,
        urgency="today",
        lat=40.6712,
        lon=-73.9448,
        window_start=now,
        window_end=now + timedelta(hours=4),
    )
    Post.objects.filter(pk=need.pk).update(created_at=now - timedelta(days=3))
    offer = make_post(crown, fay, kind="offer", quantity=5, max_km=4.0, lat=40.665, lon=-73.95)
    make_post(crown, fay, title="no location")
    withdrawn = make_post(crown, fay, lat=40.67, lon=-73.94)
    from mutualaid.exchange import services

    services.post_act(post=withdrawn, actor=fay, action="withdraw")
    instance = selectors.matching_instance(group=crown, now=now)
    assert [n["id"] for n in instance["needs"]] == [f"n{need.pk}"]
    n = instance["needs"][0]
    assert (n["quantity"], n["urgency"], n["waiting_days"], n["category"]) == (2, "today", 3.0, "food")
    assert n["lat"] == need.lat != 40.6712 and len(n["window"]) == 2
    assert instance["offers"] == [
        {
            "id": f"o{offer.pk}",
            "category": "food",
            "lat": offer.lat,
            "lon": offer.lon,
            "languages": [],
            "capacity": 5,
            "max_km": 4.0,
        }
    ]
