from __future__ import annotations

from typing import Any

import pytest

# Two points about 1 km apart in Crown Heights (snapped to coarse cells by the board).
HERE = {"lat": 40.6712, "lon": -73.9448}
NEAR = {"lat": 40.6650, "lon": -73.9500}


def make_post(group: Any, author: Any, title: str, kind: str = "need", **extra: Any) -> Any:
    from mutualaid.exchange import services

    extra.setdefault("category", "food")
    place = extra.pop("place", HERE if kind == "need" else NEAR)
    return services.post_create(
        group=group, author=author, data=services.PostInput(kind=kind, title=title, **place, **extra)
    )


@pytest.fixture
def fay(crown: Any) -> Any:
    from mutualaid.members.models import Membership
    from tests.conftest import make_user

    user = make_user("fay")
    Membership.objects.create(user=user, group=crown)
    return user


@pytest.fixture(autouse=True)
def _english() -> Any:
    """Exact English messages are asserted: a page served in Spanish earlier in the same thread (the
    member-language middleware activates it) must not leak into the next test."""
    from django.utils import translation

    with translation.override("en"):
        yield
