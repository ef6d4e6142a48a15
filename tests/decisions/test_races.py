"""Concurrency on PostgreSQL: votes at once never double-count, and a close racing late votes
resolves deterministically (a vote counts exactly when it committed before the close; the stored
tally always equals a recount of the ballots). SQLite takes its write lock at BEGIN: no race there."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from mutualaid.decisions import services
from mutualaid.decisions.models import Ballot, Eligible, Proposal
from tests.decisions.conftest import later, member, open_proposal
from tests.races import outcomes, race, require_postgresql

pytestmark = pytest.mark.postgres_only


@pytest.fixture
def _postgres() -> None:
    require_postgresql()


@pytest.mark.usefixtures("_postgres")
def test_many_votes_at_once_count_once_each(transactional_db: Any, crown: Any, ada: Any) -> None:
    voters = [member(crown, f"voter{i}") for i in range(8)]
    proposal = open_proposal(crown, ada, kind="majority")
    results = race([lambda v=v: services.vote(proposal=proposal, user=v, choice="yes") for v in voters])
    assert outcomes(results) == ["won"] * 8
    closed = services.close(proposal=proposal, now=later())
    assert closed.tally["voted"] == 8 and closed.tally["counts"]["yes"] == 8
    assert Eligible.objects.filter(proposal=proposal, voted=True).count() == 8


@pytest.mark.usefixtures("_postgres")
@pytest.mark.parametrize("anonymous", [False, True])
def test_one_member_voting_twice_at_once_keeps_one_ballot(
    transactional_db: Any, crown: Any, ada: Any, ben: Any, anonymous: bool
) -> None:
    for _round in range(4):
        proposal = open_proposal(crown, ada, anonymous=anonymous)
        results = race(
            [
                lambda p=proposal: services.vote(proposal=p, user=ben, choice="agree"),
                lambda p=proposal: services.vote(proposal=p, user=ben, choice="abstain"),
            ]
        )
        assert Ballot.objects.filter(proposal=proposal).count() == 1
        if anonymous:  # the second first ballot has no receipt: refused, never a second ballot
            assert outcomes(results, refused=(ValidationError,)) == ["refused", "won"]
        else:  # the later one changes the ballot
            assert outcomes(results) == ["won", "won"]
        assert services.close(proposal=proposal, now=later()).tally["voted"] == 1


@pytest.mark.usefixtures("_postgres")
def test_a_close_racing_late_votes_counts_exactly_the_votes_before_it(
    transactional_db: Any, crown: Any, ada: Any
) -> None:
    voters = [member(crown, f"late{i}") for i in range(6)]
    seen = set()
    for _round in range(5):
        proposal = open_proposal(crown, ada)
        jobs: list[Any] = [
            lambda v=v, p=proposal: services.vote(proposal=p, user=v, choice="agree") for v in voters
        ]
        jobs.insert(
            3, lambda p=proposal: services.close(proposal=p, now=later())
        )  # the worker's clock is past closing
        results = race(jobs)
        votes = results[:3] + results[4:]
        assert not isinstance(results[3], BaseException), results[3]
        for result in votes:
            if isinstance(result, BaseException):
                assert isinstance(result, ValidationError) and "closed" in str(result)
        counted = sum(1 for r in votes if not isinstance(r, BaseException))
        proposal = Proposal.objects.get(pk=proposal.pk)
        assert proposal.status == "closed"
        assert Ballot.objects.filter(proposal=proposal).count() == counted
        assert proposal.tally["voted"] == counted == proposal.tally["counts"]["agree"]
        assert Eligible.objects.filter(proposal=proposal, voted=True).count() == counted
        seen.add(counted)
    assert seen  # which votes won varies by round; the tally always matches the ballots
