"""A need served by several offers, an offer serving several needs: units, not whole posts."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from mutualaid.exchange import services as exchange_services
from mutualaid.exchange.models import Claim, Post, PostEvent
from mutualaid.matching import services
from mutualaid.matching.models import Proposal
from tests.helpers import HERE, NEAR, make_post


@pytest.fixture
def gus(crown: Any) -> Any:
    from mutualaid.members.models import Membership
    from tests.conftest import make_user

    user = make_user("gus")
    Membership.objects.create(user=user, group=crown)
    return user


def _approve_all_and_accept(crown: Any, ada: Any, proposals: list[Proposal]) -> None:
    services.proposals_decide(group=crown, actor=ada, approve_ids=[p.pk for p in proposals])
    for proposal in proposals:
        proposal.refresh_from_db()
        for side in ("need", "offer"):
            user_id = services.responder_id(proposal, side)
            from mutualaid.members.models import User

            services.proposal_respond(proposal=proposal, user=User.objects.get(pk=user_id), accept=True)


def test_a_need_split_across_two_offers_is_assigned_unit_by_unit(
    crown: Any, ada: Any, ben: Any, fay: Any, gus: Any
) -> None:
    need = make_post(crown, ben, "Groceries", quantity=5, address="12 Secret Street", place=HERE)
    make_post(crown, fay, "Boxes", kind="offer", quantity=3, place=NEAR)
    make_post(crown, gus, "More boxes", kind="offer", quantity=2, place=NEAR)
    proposals = list(services.round_run(group=crown, started_by=ada).proposals.order_by("-units"))
    assert [p.units for p in proposals] == [3, 2]

    services.proposals_decide(group=crown, actor=ada, approve_ids=[p.pk for p in proposals])
    first, second = proposals
    first.refresh_from_db()
    services.proposal_respond(proposal=first, user=ben, accept=True)
    first = services.proposal_respond(proposal=first, user=fay, accept=True)
    # Three units split off and assigned to fay; the need keeps two units, still open.
    assert first.state == "matched"
    part = first.claim.post
    assert (part.quantity, part.status, part.author, part.address) == (
        3,
        "in_progress",
        ben,
        "12 Secret Street",
    )
    assert first.claim.claimant == fay
    need.refresh_from_db()
    assert (need.quantity, need.status) == (2, "open")
    assert list(PostEvent.objects.filter(post=need).values_list("action", flat=True)) == ["post", "split"]

    # Meanwhile a new round proposes nothing more for the need: its two open units are promised.
    services.round_run(group=crown, started_by=ada)
    assert not Proposal.objects.filter(need=need, state="proposed").exists()

    second.refresh_from_db()
    services.proposal_respond(proposal=second, user=ben, accept=True)
    second = services.proposal_respond(proposal=second, user=gus, accept=True)
    # The last two units are the whole rest of the need: the need itself is assigned to gus.
    assert second.state == "matched" and second.claim.post_id == need.pk and second.claim.claimant == gus
    need.refresh_from_db()
    assert need.status == "in_progress"
    assert sorted(Post.objects.filter(kind="need").values_list("quantity", flat=True)) == [2, 3]
    assert Claim.objects.filter(post__kind="need", state="accepted").count() == 2


def test_an_offer_whose_units_are_all_promised_leaves_the_board(
    crown: Any, ada: Any, ben: Any, fay: Any, gus: Any
) -> None:
    make_post(crown, ben, "Groceries", quantity=2, place=HERE)
    make_post(crown, gus, "Soup", quantity=2, place=HERE)
    offer = make_post(crown, fay, "Food boxes", kind="offer", quantity=4, place=NEAR)
    proposals = list(services.round_run(group=crown, started_by=ada).proposals.all())
    assert sorted(p.units for p in proposals) == [2, 2]

    _approve_all_and_accept(crown, ada, proposals[:1])
    offer.refresh_from_db()
    assert offer.status == "open"  # two of four units promised: still open for the rest

    _approve_all_and_accept(crown, ada, proposals[1:])
    offer.refresh_from_db()
    assert offer.status == "in_progress"  # all four promised: no longer open on the board
    claim = Claim.objects.get(post=offer, state="accepted")
    assert claim.claimant in (ben, gus) and claim.assigned_by == ada
    open_offers = Post.objects.filter(group=crown, kind="offer", status="open")
    assert not open_offers.exists()


def test_split_is_for_coordinators_and_keeps_at_least_one_unit(crown: Any, ada: Any, ben: Any) -> None:
    need = make_post(crown, ben, "Groceries", quantity=3, place=HERE)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        exchange_services.post_split(post=need, actor=ben, units=1)
    for units in (0, 3, True):
        with pytest.raises(ValidationError) as error:
            exchange_services.post_split(post=need, actor=ada, units=units)
        assert error.value.message_dict == {"units": ["Split from 1 to 2 units."]}
    part = exchange_services.post_split(post=need, actor=ada, units=1)
    need.refresh_from_db()
    assert (need.quantity, part.quantity, part.created_at) == (2, 1, need.created_at)
