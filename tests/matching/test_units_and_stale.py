"""Matching never pairs units that cannot serve each other, withdraws proposals whose need or offer closed,
and tells each side where it stands in its own words (issue 11)."""

from __future__ import annotations

from typing import Any

import pytest

from mutualaid.exchange import services as board
from mutualaid.matching import services
from mutualaid.matching.models import Proposal
from mutualaid.matching.units import unit_family
from tests.helpers import HERE, NEAR
from tests.helpers import make_post as _make_post


def make_post(group: Any, author: Any, title: str, kind: str = "need", **extra: Any) -> Any:
    """Needs here, offers nearby: within reach of each other."""
    return _make_post(group, author, title, kind, place=HERE if kind == "need" else NEAR, **extra)


def test_bags_of_groceries_are_never_served_by_cooked_meals(ada: Any, ben: Any, fay: Any, crown: Any) -> None:
    make_post(crown, ben, "3 bags of groceries", quantity=3, unit="bags")
    make_post(crown, fay, "Cooked meals for 6", kind="offer", quantity=6, unit="meals")
    services.round_run(group=crown, started_by=ada)
    assert not Proposal.objects.exists()


def test_the_same_unit_in_other_words_is_paired(ada: Any, ben: Any, fay: Any, crown: Any) -> None:
    make_post(crown, ben, "Comida caliente", quantity=2, unit="Comidas")
    make_post(crown, fay, "Cooked meals for 6", kind="offer", quantity=6, unit="meal")
    services.round_run(group=crown, started_by=ada)
    assert Proposal.objects.get().units == 2


@pytest.mark.parametrize(
    ("one", "other", "same"),
    [
        ("bags", "Bag", True),
        ("bolsas", "bags", True),
        ("horas", "hours", True),
        ("bags", "meals", False),
        ("", "meals", False),
    ],
)
def test_unit_families(one: str, other: str, same: bool) -> None:
    assert (unit_family(one) == unit_family(other)) is same


def test_proposals_for_closed_posts_are_withdrawn(ada: Any, ben: Any, fay: Any, crown: Any) -> None:
    need = make_post(crown, ben, "Rice")
    make_post(crown, fay, "Rice to share", kind="offer", quantity=3)
    services.round_run(group=crown, started_by=ada)
    proposal = Proposal.objects.get()
    board.post_act(post=need, actor=ben, action="withdraw")
    assert services.proposals_withdraw_closed() == 1
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.LAPSED and proposal.closed_at is not None
    # The daily job does it for every group.
    make_post(crown, ben, "Beans")
    services.round_run(group=crown, started_by=ada)
    fresh = Proposal.objects.get(state=Proposal.State.PROPOSED)
    services.proposals_decide(group=crown, actor=ada, approve_ids=[fresh.pk])
    board.post_act(post=fresh.offer, actor=fay, action="withdraw")
    services.rounds_run_scheduled()  # withdraws at once; the rounds themselves are queued
    fresh.refresh_from_db()
    assert fresh.state == Proposal.State.LAPSED


def test_member_sees_where_they_stand(client_for: Any, ada: Any, ben: Any, fay: Any, crown: Any) -> None:
    make_post(crown, ben, "Rice")
    make_post(crown, fay, "Rice to share", kind="offer", quantity=3)
    services.round_run(group=crown, started_by=ada)
    proposal = Proposal.objects.get()
    services.proposals_decide(group=crown, actor=ada, approve_ids=[proposal.pk])
    page = client_for(ben).get("/g/crown/matching/mine/").content.decode()
    assert "Waiting for your answer" in page
    services.proposal_respond(proposal=proposal, user=ben, accept=True)
    page = client_for(ben).get("/g/crown/matching/mine/").content.decode()
    assert "You accepted — waiting for the other side" in page and "Waiting for both sides" not in page
