from __future__ import annotations

from typing import Any

import pytest


def make_post(group: Any, author: Any, title: str = "Two bags of groceries", **extra: Any) -> Any:
    from mutualaid.exchange import services

    extra.setdefault("kind", "need")
    extra.setdefault("category", "food")
    return services.post_create(group=group, author=author, data=services.PostInput(title=title, **extra))


@pytest.fixture
def fay(crown: Any) -> Any:
    """A second plain member of `crown`, so claims can go between two members."""
    from mutualaid.members.models import Membership
    from tests.conftest import make_user

    user = make_user("fay")
    Membership.objects.create(user=user, group=crown)
    return user
