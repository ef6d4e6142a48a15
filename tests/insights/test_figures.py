"""The summary tables the dashboard reads: built from a high-water mark, recomputed per changed week,
the same however often the refresh runs, and leaving the latest changes to the next run."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from mutualaid.core.registry import periodic_jobs
from mutualaid.exchange.models import Claim, Post
from mutualaid.exchange.services import post_act
from mutualaid.insights import figures, selectors
from mutualaid.insights.models import DurationFigure, FigureMark, PostFigure

pytestmark = pytest.mark.django_db

NOW = datetime.timedelta(0)


def _post(group: Any, *, weeks_ago: int = 0, **extra: Any) -> Post:
    at = timezone.now() - datetime.timedelta(weeks=weeks_ago, minutes=5)
    values: dict[str, Any] = {"kind": "need", "category": "food", "status": "open"} | extra
    return Post.objects.create(group=group, title="x", created_at=at, updated_at=at, **values)


def _rows() -> list[tuple[Any, ...]]:
    return sorted(
        PostFigure.objects.values_list("group_id", "week", "kind", "category", "channel", "status", "n")
    )


def _needs(group: Any, status: str) -> int:
    return sum(PostFigure.objects.filter(group=group, kind="need", status=status).values_list("n", flat=True))


def test_bucket_is_exact_below_two_days_then_coarser() -> None:
    assert [figures.bucket(h) for h in (0, 0.4, 5.6, 47.4)] == [0, 0, 6, 47]
    assert figures.bucket(50) == 48 and figures.bucket(100) == 102 and figures.bucket(200) == 192
    assert figures.bucket(-1) == 0 and figures.bucket(10_000) == 2160


def test_first_build_then_only_changed_weeks(crown: Any, ada: Any) -> None:
    old = _post(crown, weeks_ago=30, author=ada)
    for _ in range(3):
        _post(crown)
    assert selectors.as_of() is None
    first = figures.refresh(lag=NOW)
    assert first["weeks"] >= 31  # every week from the first post to now
    assert _needs(crown, "open") == 4 and selectors.as_of() is not None
    built = _rows()
    assert figures.refresh(lag=NOW) == {"weeks": 0}  # nothing changed since the mark
    assert _rows() == built

    post_act(post=old, actor=ada, action="withdraw")
    assert figures.refresh(lag=NOW) == {"weeks": 1}  # only the week the old post was made in
    assert _needs(crown, "open") == 3 and _needs(crown, "withdrawn") == 1


def test_refresh_is_idempotent(crown: Any, ben: Any) -> None:
    posts = [_post(crown, weeks_ago=1) for _ in range(5)]
    for i, post in enumerate(posts):
        Claim.objects.create(
            post=post, claimant=ben, state="done", created_at=post.created_at + datetime.timedelta(hours=i)
        )
    figures.refresh(lag=NOW)
    built, durations = _rows(), sorted(DurationFigure.objects.values_list("week", "measure", "hours", "n"))
    assert [h for _w, _m, h, _n in durations] == [0, 1, 2, 3, 4]
    # Run again over the same changes (as a second worker, or a retry, would): same rows, no doubles.
    FigureMark.objects.update(mark=timezone.now() - datetime.timedelta(weeks=3))
    figures.refresh(lag=NOW)
    assert _rows() == built
    assert sorted(DurationFigure.objects.values_list("week", "measure", "hours", "n")) == durations


def test_changes_within_the_lag_wait_for_the_next_run(crown: Any) -> None:
    _post(crown, weeks_ago=2)
    figures.refresh(lag=NOW)
    fresh = Post.objects.create(group=crown, kind="need", category="food", title="x")  # just now
    figures.refresh()  # default lag: not yet
    assert _needs(crown, "open") == 1
    figures.refresh(now=timezone.now() + figures.LAG + datetime.timedelta(seconds=1))
    assert _needs(crown, "open") == 2 and fresh.pk


def test_the_worker_schedules_the_refresh() -> None:
    assert "insights.figures" in {p.name for p in periodic_jobs()}
