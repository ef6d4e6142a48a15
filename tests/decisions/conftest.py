"""Decisions fixtures: a proposal opener and a second plain member."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from tests.conftest import make_user


def member(group: Any, name: str, role: str = "member") -> Any:
    from mutualaid.members.models import Membership

    user = make_user(name)
    Membership.objects.create(user=user, group=group, role=role)
    return user


def open_proposal(group: Any, author: Any, **extra: Any) -> Any:
    from mutualaid.decisions import services

    spec: dict[str, Any] = {
        "group": group,
        "author": author,
        "title": "Buy a chest freezer for the pantry",
        "kind": "consent",
        "closes_at": timezone.now() + datetime.timedelta(days=3),
    }
    spec.update(extra)
    return services.proposal_open(**spec)


def later(days: float = 4) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=days)
