"""A coordinator's round is queued for the worker, not run in the web request (a 10k by 10k board passed
gunicorn's 60 s): the page and the API queue one job and answer at once, the worker's run produces the
proposals, one round at a time per group, and a failed round is shown as failed."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from mutualaid.matching import services
from mutualaid.matching.models import Proposal, Round
from tests.helpers import HERE, NEAR, make_post
from tests.races import race, require_postgresql

RUN_ROUND = "mutualaid.matching.tasks.run_round"


def run_jobs() -> None:
    """Run every due job as `mutualaid worker --batch` does (see tests/channels/conftest.py)."""
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("worker", "--batch", "--no-schedule", verbosity=0)


def round_jobs() -> list[Any]:
    return list(DBTaskResult.objects.filter(task_path=RUN_ROUND))


def _board(crown: Any, ben: Any, fay: Any) -> None:
    make_post(crown, ben, "Groceries", urgency="today", address="12 Secret Street", place=HERE)
    make_post(crown, fay, "Soup pots", kind="offer", place=NEAR)


def test_page_queues_one_round_and_the_worker_makes_its_proposals(
    crown: Any, ada: Any, ben: Any, fay: Any, client_for: Any
) -> None:
    _board(crown, ben, fay)
    client = client_for(ada)
    url = reverse("matching_rounds", kwargs={"slug": crown.slug})
    response = client.post(url, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Round started. Its proposals show here when it finishes." in page
    assert "Round running… started at" in page and f'<a href="{url}">Refresh this page</a>' in page
    assert "Groceries" not in page  # nothing proposed yet: the engine did not run in the request
    [the_round] = Round.objects.all()
    assert (the_round.status, the_round.started_by, the_round.finished_at) == ("queued", ada, None)
    [queued] = round_jobs()
    assert (queued.status, queued.args_kwargs["args"]) == ("READY", [the_round.pk])
    assert not Proposal.objects.exists()

    run_jobs()
    the_round.refresh_from_db()
    assert the_round.status == "done" and the_round.finished_at is not None
    assert the_round.stats["proposals"] == 1
    assert [j.status for j in round_jobs()] == ["SUCCESSFUL"]
    [proposal] = Proposal.objects.all()
    assert (proposal.round, proposal.state) == (the_round, "proposed")
    page = client.get(url).content.decode()
    assert "Round running" not in page
    assert "Groceries" in page and "Soup pots" in page and "km apart" in page and "1 proposal" in page
    assert "Secret" not in page


def test_a_second_click_while_a_round_waits_says_so_and_queues_nothing(
    crown: Any, ada: Any, ida: Any, ben: Any, fay: Any, client_for: Any
) -> None:
    _board(crown, ben, fay)
    url = reverse("matching_rounds", kwargs={"slug": crown.slug})
    client_for(ada).post(url)
    page = client_for(ida).post(url, follow=True).content.decode()
    assert "A round is already running (started at" in page
    assert Round.objects.count() == 1 and len(round_jobs()) == 1
    # Also while the worker runs it.
    Round.objects.update(status="running")
    again, queued = services.round_request(group=crown, started_by=ida)
    assert not queued and again.status == "running" and len(round_jobs()) == 1
    # Once it finished, a new round can be queued.
    Round.objects.update(status="done")
    _new, queued = services.round_request(group=crown, started_by=ida)
    assert queued and Round.objects.count() == 2 and len(round_jobs()) == 2


def test_a_round_lost_for_hours_no_longer_blocks(crown: Any, ada: Any) -> None:
    lost, _q = services.round_request(group=crown, started_by=ada)
    Round.objects.filter(pk=lost.pk).update(status="running", started_at=timezone.now() - timedelta(hours=3))
    fresh, queued = services.round_request(group=crown, started_by=ada)
    lost.refresh_from_db()
    assert queued and fresh.pk != lost.pk
    assert (lost.status, lost.stats) == ("failed", {"error": "timed out"})


def test_the_one_active_round_constraint_holds_without_the_lock(crown: Any, ada: Any) -> None:
    from django.db import IntegrityError, transaction

    services.round_request(group=crown, started_by=ada)
    with pytest.raises(IntegrityError), transaction.atomic():
        Round.objects.create(group=crown, started_by=ada, status="running")


def test_only_coordinators_queue_rounds(crown: Any, ben: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.round_request(group=crown, started_by=ben)
    assert not Round.objects.exists() and not round_jobs()


def test_a_failing_engine_marks_the_round_failed_and_the_page_says_so(
    crown: Any, ada: Any, ben: Any, fay: Any, client_for: Any, monkeypatch: Any
) -> None:
    _board(crown, ben, fay)

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("engine blew up near 12 Secret Street")

    monkeypatch.setattr("mutualaid.matching.services.engine.solve", broken)
    client = client_for(ada)
    url = reverse("matching_rounds", kwargs={"slug": crown.slug})
    client.post(url)
    run_jobs()
    the_round = Round.objects.get()
    assert the_round.status == "failed" and the_round.finished_at is not None
    assert the_round.stats == {"error": "RuntimeError"}  # never the message: it could quote data
    assert [j.status for j in round_jobs()] == ["FAILED"]  # visible to operators, not retried
    assert not Proposal.objects.exists()
    page = client.get(url).content.decode()
    assert "The last round failed; nothing was proposed." in page and "Round running" not in page
    # The coordinator can run another one.
    monkeypatch.undo()
    client.post(url)
    run_jobs()
    assert Round.objects.first().status == "done" and Proposal.objects.count() == 1


def _api_post(client: Any, url: str) -> Any:
    return client.post(url, json.dumps({}), content_type="application/json")


def test_api_answers_202_and_get_gives_the_state_then_the_proposals(
    crown: Any, ada: Any, ben: Any, fay: Any, api_for: Any
) -> None:
    _board(crown, ben, fay)
    base = f"/api/v1/groups/{crown.slug}/matching"
    coordinator = api_for(ada)
    response = _api_post(coordinator, f"{base}/rounds")
    assert response.status_code == 202
    body = response.json()
    assert (body["state"], body["status"], body["proposals"], body["finished_at"]) == (
        "queued",
        "queued",
        [],
        None,
    )
    assert len(round_jobs()) == 1
    busy = _api_post(coordinator, f"{base}/rounds")
    assert busy.status_code == 409
    assert busy.json() == {
        "detail": "conflict",
        "errors": {"__all__": ["A round is already running; wait for it to finish."]},
        "id": body["id"],
        "state": "queued",
    }
    assert len(round_jobs()) == 1
    assert coordinator.get(f"{base}/rounds/{body['id']}").json()["state"] == "queued"

    run_jobs()
    done = coordinator.get(f"{base}/rounds/{body['id']}").json()
    assert done["state"] == "done" and done["stats"]["proposals"] == 1
    [proposal] = done["proposals"]
    assert proposal["need"]["title"] == "Groceries" and proposal["round_id"] == body["id"]
    assert "Secret" not in json.dumps(done)
    assert coordinator.get(f"{base}/rounds/999999").status_code == 404
    assert api_for(ben).get(f"{base}/rounds/{body['id']}").status_code == 403


def test_api_round_of_another_group_is_not_found(crown: Any, ada: Any, cy: Any, api_for: Any) -> None:
    from mutualaid.members.models import Membership

    theirs = Membership.objects.filter(user=cy).select_related("group").first()
    assert theirs is not None
    other = Round.objects.create(group=theirs.group, status="done")
    assert api_for(ada).get(f"/api/v1/groups/{crown.slug}/matching/rounds/{other.pk}").status_code == 404


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_simultaneous_clicks_make_one_round(crown: Any, ada: Any, ida: Any) -> None:
    require_postgresql()
    results = race(
        [lambda u=user: services.round_request(group=crown, started_by=u)[1] for user in (ada, ida) * 4]
    )
    assert not [r for r in results if isinstance(r, BaseException)], results
    assert sorted(results) == [False] * 7 + [True]  # type: ignore[type-var]
    assert Round.objects.filter(group=crown).count() == 1
    assert len(round_jobs()) == 1
