from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone


def housing_need(group: Any, author: Any, title: str = "A room for two weeks") -> Any:
    from mutualaid.exchange import services as exchange

    return exchange.post_create(
        group=group,
        author=author,
        data=exchange.PostInput(kind="need", category="housing", title=title, area="11216"),
    )


def make_offer(group: Any, host: Any, **extra: Any) -> Any:
    from mutualaid.housing import services

    data = {"address": "12 Secret Lane, apt 3", "max_nights": 5, "who": "One adult", "pets": "A cat", **extra}
    return services.offer_create(group=group, host=host, data=services.OfferInput(**data))


def tomorrow() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=1)


@pytest.fixture
def offer(crown: Any, ben: Any) -> Any:
    """ben offers a spare room in Crown Heights."""
    return make_offer(crown, ben)


@pytest.fixture
def need(crown: Any, fay: Any) -> Any:
    """fay needs a place to stay."""
    return housing_need(crown, fay)


@pytest.fixture
def proposed(offer: Any, need: Any, ada: Any) -> Any:
    """ada proposes a three-night stay for fay at ben's."""
    from mutualaid.housing import services

    start = tomorrow()
    return services.stay_propose(
        offer=offer, actor=ada, need=need, starts_on=start, ends_on=start + datetime.timedelta(days=3)
    )
