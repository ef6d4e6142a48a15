"""THREATS.md property 4: closed work is purged after the retention period (configurable, default 30 days)
by a scheduled task; anonymous counts are kept for needs assessment."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from mutualaid.core.models import PurgeTally
from mutualaid.core.retention import PurgeRule, rules
from mutualaid.core.tasks import purge_expired
from tests.conftest import make_user
from tests.core.timetravel import move_time_forward


@pytest.fixture
def closed_work(ada: Any, ben: Any, eve: Any, crown: Any) -> dict[str, Any]:
    from mutualaid.members import services
    from mutualaid.members.models import Invitation

    used, token = services.invitation_create(group=crown, created_by=ada, note="for my neighbour at 4B")
    services.invitation_accept(token=token, user=make_user("newcomer"))
    revoked, _ = services.invitation_create(group=crown, created_by=ada, note="revoked one")
    services.invitation_revoke(invitation=revoked)
    expired, _ = services.invitation_create(group=crown, created_by=ben, days=1)
    active, _ = services.invitation_create(group=crown, created_by=ben, days=30)
    request = services.join_request_create(group=crown, user=eve, message="I live on Sterling Pl")
    services.join_request_decide(join_request=request, decided_by=ada, approve=False)
    pending = services.join_request_create(group=crown, user=make_user("waiting"), message="please")
    token_record, _ = services.access_token_create(user=ben, name="old phone")
    services.access_token_revoke(token=token_record)
    return {
        "used": used,
        "revoked": revoked,
        "expired": expired,
        "active": active,
        "pending": pending,
        "invitations": Invitation.objects.count(),
    }


def test_nothing_is_purged_before_the_retention_period(closed_work: dict[str, Any]) -> None:
    from mutualaid.members.models import AccessToken, Invitation, JoinRequest

    purged = purge_expired.call()
    # The shared cache table is not a model: Django's flush after another worker's transactional test
    # leaves its entries, and some expire within seconds. What expires there is not closed work.
    purged.pop("expired cache entries")
    assert {name: count for name, count in purged.items() if count} == {}
    assert Invitation.objects.count() == closed_work["invitations"] == 4
    assert JoinRequest.objects.count() == 2
    assert AccessToken.objects.filter(revoked_at__isnull=False).count() == 1


def test_purge_after_the_retention_period_keeps_only_counts(
    closed_work: dict[str, Any], monkeypatch: pytest.MonkeyPatch, crown: Any
) -> None:
    from mutualaid.members.models import AccessToken, Invitation, JoinRequest

    move_time_forward(monkeypatch, days=31)
    result = purge_expired.call()
    assert result["closed invitations"] == 3
    assert result["decided join requests"] == 1
    assert result["revoked access tokens"] == 1
    # What is left is open work: the invitation still usable, the request still waiting.
    assert list(Invitation.objects.values_list("pk", flat=True)) == [closed_work["active"].pk]
    assert list(JoinRequest.objects.values_list("pk", flat=True)) == [closed_work["pending"].pk]
    assert not AccessToken.objects.filter(revoked_at__isnull=False).exists()
    tallies = {(t.rule, t.group_id, t.label): t.count for t in PurgeTally.objects.all()}
    assert tallies == {
        ("closed invitations", crown.pk, "used"): 1,
        ("closed invitations", crown.pk, "revoked"): 1,
        ("closed invitations", crown.pk, "expired"): 1,
        ("decided join requests", crown.pk, "declined"): 1,
    }
    # Running again deletes nothing more and counts nothing twice.
    assert set(purge_expired.call().values()) == {0}
    assert sum(PurgeTally.objects.values_list("count", flat=True)) == 4


def test_the_period_is_configurable(
    closed_work: dict[str, Any], monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    settings.MUTUALAID_RETENTION_DAYS = 5
    move_time_forward(monkeypatch, days=4)
    assert purge_expired.call()["closed invitations"] == 0
    move_time_forward(
        monkeypatch, days=1.5
    )  # 5.5 days on: used and revoked (today) go, expired (tomorrow) stays
    assert purge_expired.call()["closed invitations"] == 2


def test_purge_command_dry_run_counts_without_deleting(
    closed_work: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from mutualaid.members.models import Invitation

    move_time_forward(monkeypatch, days=31)
    out = io.StringIO()
    call_command("purge", "--dry-run", stdout=out)
    assert "closed invitations: would delete 3" in out.getvalue()
    assert Invitation.objects.count() == 4
    call_command("purge", stdout=out)
    assert "closed invitations: deleted 3" in out.getvalue()
    assert Invitation.objects.count() == 1


def test_every_app_contributes_its_rules() -> None:
    names = {rule.name for rule in rules()}
    assert {
        "closed invitations",
        "decided join requests",
        "audit log of sensitive reads",
        "expired login sessions",
        "finished background jobs",
    } <= names
    assert all(isinstance(rule, PurgeRule) for rule in rules())
    assert len(names) == len(rules()), "two retention rules share a name"


def test_expired_sessions_and_finished_jobs_are_purged(
    db: Any, monkeypatch: pytest.MonkeyPatch, client_for: Any, ben: Any
) -> None:
    from django.contrib.sessions.models import Session
    from django_tasks_db.models import DBTaskResult

    client_for(ben).get("/")
    assert Session.objects.count() == 1
    purge_expired.enqueue()
    DBTaskResult.objects.update(finished_at=timezone.now(), status="SUCCESSFUL")
    move_time_forward(monkeypatch, days=60)
    result = purge_expired.call()
    assert result["expired login sessions"] == 1
    assert result["finished background jobs"] == 1
    assert Session.objects.count() == 0


def test_purge_works_in_batches(db: Any, crown: Any, ada: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from mutualaid.core import retention
    from mutualaid.members.models import Invitation

    monkeypatch.setattr(retention, "BATCH", 2)
    now = timezone.now()
    Invitation.objects.bulk_create(
        Invitation(group=crown, created_by=ada, token_hash=f"h{i}", expires_at=now - timedelta(days=40))
        for i in range(5)
    )
    assert purge_expired.call()["closed invitations"] == 5
    assert PurgeTally.objects.get(rule="closed invitations").count == 5


def test_the_worker_runs_the_purge_daily(db: Any) -> None:
    from mutualaid.core.jobs import schedule_due
    from mutualaid.core.models import PeriodicRun
    from mutualaid.core.registry import periodic_jobs

    purge = [p for p in periodic_jobs() if p.task_path == "mutualaid.core.tasks.purge_expired"]
    assert len(purge) == 1
    assert "core.purge" in schedule_due()
    assert "core.purge" not in schedule_due()  # once a day, however many workers
    assert PeriodicRun.objects.filter(name="core.purge").count() == 1
