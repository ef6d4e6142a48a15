"""Approvers hear that a vote is needed, coordinators hear that a pledge is due; never a purpose or name."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from mutualaid.channels.models import OutboundMessage
from mutualaid.core.registry import periodic_jobs
from mutualaid.funds import notices, services


def _with_email(user: Any, address: str) -> Any:
    user.email = address
    user.save(update_fields=["email"])
    return user


def test_approvers_hear_a_vote_is_needed(ada: Any, ida: Any, ben: Any, bail_fund: Any) -> None:
    for user, address in ((ada, "ada@example.org"), (ida, "ida@example.org"), (ben, "ben@example.org")):
        _with_email(user, address)
    services.request_create(
        fund=bail_fund,
        requested_by=ben,
        amount=1500_00,
        currency="USD",
        purpose="Bail for SECRET-NAME",
        payee="SECRET-COURT",
        kind="bail",
    )
    messages = OutboundMessage.objects.filter(kind="approval")
    assert sorted(m.user.username for m in messages) == ["ada", "ida"]  # not ben, who asked
    body = messages.first().body
    assert "A request of 1,500.00 USD to Crown Bail Fund" in body and "/g/crown/funds/requests/" in body
    assert "SECRET" not in body


def test_coordinators_ask_and_nobody_else_when_members_do_not_vote(
    ada: Any, ben: Any, rent_fund: Any
) -> None:
    _with_email(ada, "ada@example.org")
    services.request_create(fund=rent_fund, requested_by=ada, amount=10_00, currency="USD", purpose="x")
    assert not OutboundMessage.objects.filter(kind="approval").exists()  # ada asked: nobody else may approve


def test_due_pledges_are_reminded_in_the_coordinators_language(ada: Any, rent_fund: Any) -> None:
    _with_email(ada, "ada@example.org")
    ada.language = "es"
    ada.save(update_fields=["language"])
    today = timezone.localdate()
    services.pledge_create(
        fund=rent_fund,
        amount=25_00,
        currency="USD",
        interval="monthly",
        next_due=today + datetime.timedelta(days=3),
        created_by=ada,
        contributor="SECRET-DONOR",
    )
    services.pledge_create(
        fund=rent_fund,
        amount=30_00,
        currency="USD",
        interval="monthly",
        next_due=today + datetime.timedelta(days=1),
        created_by=ada,
    )
    assert notices.pledges_due(today) == 1
    body = OutboundMessage.objects.get(kind="reminder").body
    assert "un compromiso de 25,00 USD a Rent Relief vence el" in body and "SECRET" not in body


def test_funds_jobs_are_scheduled_daily() -> None:
    names = {p.name: p.task_path for p in periodic_jobs()}
    assert names["funds.purge"] == "mutualaid.funds.tasks.purge_settled_requests"
    assert names["funds.pledges"] == "mutualaid.funds.tasks.remind_due_pledges"
