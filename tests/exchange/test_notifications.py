"""Members hear about claims, messages and expiring needs through the core notification port."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from mutualaid.exchange import services
from tests.helpers import make_post


@pytest.fixture
def told(monkeypatch: Any) -> list[dict[str, Any]]:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr("mutualaid.exchange.notices.notify", lambda **kwargs: calls.append(kwargs))
    return calls


def test_the_poster_is_told_of_a_claim(
    told: Any, ben: Any, fay: Any, crown: Any, django_capture_on_commit_callbacks: Any
) -> None:
    post = make_post(crown, ben)
    with django_capture_on_commit_callbacks(execute=True):
        services.claim_create(post=post, claimant=fay)
    assert told == [
        {
            "user": ben,
            "kind": "claim",
            "context": {
                "group": crown.name,
                "title": "Two bags of groceries",
                "name": "Fay",
                "url": reverse("exchange_post", args=[crown.slug, post.pk]),
            },
        }
    ]


def test_the_other_side_is_told_of_a_message_without_its_text(
    told: Any, ben: Any, fay: Any, crown: Any, django_capture_on_commit_callbacks: Any
) -> None:
    post = make_post(crown, ben)
    claim = services.claim_create(post=post, claimant=fay)
    told.clear()  # the claim's own notice
    with django_capture_on_commit_callbacks(execute=True):
        services.message_send(claim=claim, author=fay, body="secret plans")
    assert [(c["user"], c["kind"]) for c in told] == [(ben, "message")]
    assert "secret" not in repr(told)


def test_nothing_is_told_when_a_claim_is_refused(
    told: Any, ben: Any, crown: Any, django_capture_on_commit_callbacks: Any
) -> None:
    post = make_post(crown, ben)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        services.claim_create(post=post, claimant=ben)  # refused: own post
    assert told == []


def test_posters_are_reminded_before_a_need_expires(
    told: Any, ben: Any, crown: Any, django_capture_on_commit_callbacks: Any
) -> None:
    post = make_post(crown, ben)
    with django_capture_on_commit_callbacks(execute=True):
        services.posts_expire(now=post.expires_at - timedelta(days=1))
    assert [(c["user"], c["kind"]) for c in told] == [(ben, "reminder")]


def test_the_expiry_job_calls_the_service(ben: Any, crown: Any) -> None:
    from mutualaid.exchange.tasks import expire_needs

    make_post(crown, ben)
    assert expire_needs.func() == {"reminded": 0, "expired": 0}


def test_expiry_runs_daily_on_the_worker() -> None:
    from mutualaid.core.registry import periodic_jobs

    assert any(
        p.name == "exchange.expire" and p.task_path == "mutualaid.exchange.tasks.expire_needs"
        for p in periodic_jobs()
    )
