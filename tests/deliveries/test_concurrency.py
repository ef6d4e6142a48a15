"""Two coordinators on one run at once are serialised by the run's row lock (PostgreSQL)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from mutualaid.deliveries import services
from mutualaid.deliveries.models import Stop
from mutualaid.exchange.models import Post
from tests.deliveries.conftest import make_run


def _at_once(calls: list[Callable[[], Any]]) -> list[Any]:
    from django.db import connections

    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(k: int) -> None:
        try:
            barrier.wait()
            results[k] = calls[k]()
        except ValidationError as error:
            results[k] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(k,)) for k in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.fixture
def dan(crown: Any) -> Any:
    from mutualaid.members.models import Membership
    from tests.conftest import make_user

    user = make_user("dan")
    Membership.objects.create(user=user, group=crown)
    return user


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_publishing_at_once_publishes_once(crown: Any, ada: Any, ben: Any, dan: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row-lock concurrency is proven on PostgreSQL")
    run = make_run(crown, ada, dan)
    services.run_plan(run=run, actor=ada)
    results = _at_once([lambda: services.run_publish(run=run, actor=ada) for _ in range(3)])
    assert sorted(changed for _run, changed in results) == [False, False, True]


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_one_stop_reported_twice_at_once_counts_once(crown: Any, ada: Any, ben: Any, dan: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row-lock concurrency is proven on PostgreSQL")
    run = make_run(crown, ada, dan, needs=1)
    services.run_plan(run=run, actor=ada)
    services.run_publish(run=run, actor=ada)
    stop = Stop.objects.get(run=run)
    results = _at_once(
        [
            lambda: services.stop_report(stop=stop, user=dan, outcome="delivered"),
            lambda: services.stop_report(stop=stop, user=dan, outcome="nobody_home"),
        ]
    )
    assert sum(isinstance(r, ValidationError) for r in results) == 1
    stop.refresh_from_db()
    post = Post.objects.get(pk=stop.post_id)
    assert (stop.outcome, post.status) in {("delivered", "fulfilled"), ("nobody_home", "open")}
