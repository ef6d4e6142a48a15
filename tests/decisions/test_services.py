"""Proposals end to end in the services: the frozen electorate, one changeable ballot per member,
reasons for objections, the group's bounds, closing by the worker with the tally, reminders, notices."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from mutualaid.channels.models import OutboundMessage
from mutualaid.core.registry import periodic_jobs
from mutualaid.decisions import services
from mutualaid.decisions.models import Ballot, Eligible, Proposal, Status
from tests.decisions.conftest import later, member, open_proposal


def test_the_jobs_and_notices_are_registered() -> None:
    from mutualaid.core.registry import notice_kinds

    assert {"decisions.close", "decisions.remind"} <= {p.name for p in periodic_jobs()}
    assert {"decision_opened", "decision_reminder", "decision_closed"} <= set(notice_kinds())


def test_eligibility_is_frozen_when_the_proposal_opens(crown: Any, ada: Any, ben: Any) -> None:
    proposal = open_proposal(crown, ada)
    assert proposal.eligible_count == 2
    newcomer = member(crown, "gus")  # joins during the vote
    with pytest.raises(ValidationError, match="when the proposal opened"):
        services.vote(proposal=proposal, user=newcomer, choice="agree")
    assert not Ballot.objects.filter(proposal=proposal).exists()
    services.vote(proposal=proposal, user=ben, choice="agree")
    closed = services.close(proposal=proposal, now=later())
    assert closed.tally["eligible"] == 2 and closed.tally["voted"] == 1


def test_a_member_of_another_group_cannot_vote(crown: Any, ada: Any, cy: Any) -> None:
    proposal = open_proposal(crown, ada)
    with pytest.raises(ValidationError):
        services.vote(proposal=proposal, user=cy, choice="agree")


def test_one_ballot_per_member_changeable_until_close(crown: Any, ada: Any, ben: Any) -> None:
    proposal = open_proposal(crown, ada, kind="majority")
    services.vote(proposal=proposal, user=ben, choice="no")
    services.vote(proposal=proposal, user=ben, choice="yes")
    services.vote(proposal=proposal, user=ada, choice="yes")
    assert Ballot.objects.filter(proposal=proposal).count() == 2
    assert Ballot.objects.get(proposal=proposal, voter=ben).choice == "yes"
    closed = services.close(proposal=proposal, now=later())
    assert closed.passed is True
    assert closed.tally["counts"] == {"yes": 2, "no": 0, "abstain": 0}
    with pytest.raises(ValidationError, match="closed"):
        services.vote(proposal=proposal, user=ben, choice="no")
    assert Ballot.objects.get(proposal=proposal, voter=ben).choice == "yes"


def test_a_vote_at_the_closing_time_is_refused_before_the_worker_closes(
    crown: Any, ada: Any, ben: Any
) -> None:
    proposal = open_proposal(crown, ada)
    Proposal.objects.filter(pk=proposal.pk).update(closes_at=timezone.now() - datetime.timedelta(seconds=1))
    with pytest.raises(ValidationError, match="closed"):
        services.vote(proposal=proposal, user=ben, choice="object", reason="Too noisy")


def test_an_objection_needs_a_reason_and_stops_a_consent_proposal(crown: Any, ada: Any, ben: Any) -> None:
    proposal = open_proposal(crown, ada)
    with pytest.raises(ValidationError) as refused:
        services.vote(proposal=proposal, user=ben, choice="object")
    assert "reason" in refused.value.message_dict
    services.vote(proposal=proposal, user=ben, choice="object", reason="The hall has no power outlet")
    services.vote(proposal=proposal, user=ada, choice="agree")
    closed = services.close(proposal=proposal, now=later())
    assert closed.passed is False and closed.tally["reason"] == "objection"
    assert Ballot.objects.get(voter=ben).reason == "The hall has no power outlet"


def test_reasons_may_be_optional(crown: Any, ada: Any, ben: Any) -> None:
    proposal = open_proposal(crown, ada, kind="consensus", reasons_required=False)
    services.vote(proposal=proposal, user=ben, choice="block")
    assert services.close(proposal=proposal, now=later()).tally["reason"] == "block"


def test_quorum_is_a_share_of_the_frozen_electorate(crown: Any, ada: Any, ben: Any, fay: Any) -> None:
    proposal = open_proposal(crown, ada, quorum_percent=67)
    services.vote(proposal=proposal, user=ben, choice="agree")
    services.vote(proposal=proposal, user=fay, choice="agree")  # 2 of 3 is 66.7 %: short of 67
    closed = services.close(proposal=proposal, now=later())
    assert closed.passed is False and closed.tally["reason"] == "quorum"


def test_score_needs_its_minimum_duration(crown: Any, ada: Any, ben: Any) -> None:
    proposal = open_proposal(crown, ada, kind="score")
    services.vote(proposal=proposal, user=ben, choice=2)
    services.vote(proposal=proposal, user=ada, choice=-1)
    early = services.close(proposal=proposal, early=True)  # everyone voted, but before 48 hours
    assert early.passed is False and early.tally["reason"] == "duration"
    assert early.tally["counts"]["sum"] == 1


def test_closing_early_waits_for_everyone(crown: Any, ada: Any, ben: Any) -> None:
    proposal = open_proposal(crown, ada)
    services.vote(proposal=proposal, user=ada, choice="agree")
    with pytest.raises(ValidationError, match="everyone"):
        services.close(proposal=proposal, early=True)
    with pytest.raises(ValidationError):
        services.close(proposal=proposal)  # before the closing time
    services.vote(proposal=proposal, user=ben, choice="agree")
    assert services.close(proposal=proposal, early=True).passed is True


def test_ranked_choice_and_time_poll_record_the_winner(crown: Any, ada: Any, ben: Any, fay: Any) -> None:
    ranked = open_proposal(crown, ada, kind="ranked", options=["Monday", "Tuesday", "Friday"])
    keys = services.option_keys(ranked)
    services.vote(proposal=ranked, user=ada, choice=[keys[0], keys[1]])
    services.vote(proposal=ranked, user=ben, choice=[keys[1]])
    services.vote(proposal=ranked, user=fay, choice=[keys[2], keys[1]])
    closed = services.close(proposal=ranked, now=later())
    assert closed.tally["winner"] == keys[1] and closed.passed  # Friday goes, its vote moves to Tuesday
    t1, t2 = later(5), later(6)
    poll = open_proposal(crown, ada, kind="time_poll", times=[t2, t1])
    first, second = services.option_keys(poll)  # sorted by time
    services.vote(proposal=poll, user=ben, choice={first: "maybe", second: "yes"})
    services.vote(proposal=poll, user=fay, choice={first: "yes", second: "yes"})
    closed = services.close(proposal=poll, now=later(7))
    assert closed.tally["winner"] == second


def test_the_group_policy_bounds_proposals(crown: Any, ada: Any, ben: Any) -> None:
    services.policy_update(
        group=crown, min_quorum_percent=25, allow_anonymous=False, members_may_propose=False
    )
    with pytest.raises(ValidationError) as refused:
        open_proposal(
            crown,
            ada,
            quorum_percent=10,
            anonymous=True,
            closes_at=timezone.now() + datetime.timedelta(hours=2),
        )
    assert {"quorum_percent", "anonymous", "closes_at"} <= set(refused.value.message_dict)
    with pytest.raises(ValidationError, match="coordinators open"):
        open_proposal(crown, ben)
    with pytest.raises(ValidationError, match="at most"):
        open_proposal(crown, ada, closes_at=later(45))
    assert open_proposal(crown, ada).quorum_percent == 25  # the group's lowest quorum by default


def test_the_worker_closes_due_proposals_and_tells_the_electorate(
    crown: Any, ada: Any, ben: Any, django_capture_on_commit_callbacks: Any
) -> None:
    for user in (ada, ben):
        user.email = f"{user.username}@example.org"
        user.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        proposal = open_proposal(crown, ada)
    assert OutboundMessage.objects.filter(kind="decision_opened", user=ben).exists()
    assert not OutboundMessage.objects.filter(kind="decision_opened", user=ada).exists()  # the author knows
    services.vote(proposal=proposal, user=ben, choice="agree")
    assert services.close_due(now=timezone.now()) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert services.close_due(now=later()) == 1
    proposal.refresh_from_db()
    assert proposal.status == Status.CLOSED and proposal.passed is True
    assert proposal.tally["counts"] == {"agree": 1, "abstain": 0, "object": 0}
    assert OutboundMessage.objects.filter(kind="decision_closed").count() == 2
    assert services.close_due(now=later(5)) == 0  # closed once


def test_reminders_go_once_to_those_who_have_not_voted(
    crown: Any, ada: Any, ben: Any, fay: Any, django_capture_on_commit_callbacks: Any
) -> None:
    for user in (ada, ben, fay):
        user.email = f"{user.username}@example.org"
        user.save(update_fields=["email"])
    proposal = open_proposal(crown, ada)
    services.vote(proposal=proposal, user=ben, choice="agree")
    assert services.remind_due(now=timezone.now()) == 0  # three days before closing: not yet
    soon = proposal.closes_at - datetime.timedelta(hours=12)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.remind_due(now=soon) == 2  # ada and fay
    assert services.remind_due(now=soon) == 0
    reminded = set(
        OutboundMessage.objects.filter(kind="decision_reminder").values_list("user__username", flat=True)
    )
    assert reminded == {"ada", "fay"}
    assert Eligible.objects.filter(proposal=proposal, reminded=True).count() == 2


def test_withdrawing_is_for_the_author_or_coordinators(crown: Any, ada: Any, ben: Any, fay: Any) -> None:
    proposal = open_proposal(crown, ben)
    with pytest.raises(ValidationError):
        services.withdraw(proposal=proposal, user=fay)
    assert services.withdraw(proposal=proposal, user=ada).status == Status.WITHDRAWN
    assert services.close_due(now=later()) == 0
