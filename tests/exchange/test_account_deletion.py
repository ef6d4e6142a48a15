"""A member who deletes their account leaves their posts behind without what could find them (issue 2.3)."""

from __future__ import annotations

from typing import Any

from mutualaid.exchange import services
from mutualaid.exchange.models import Claim, Post, PostEvent
from mutualaid.members.services import account_delete
from tests.helpers import make_post


def test_own_posts_lose_address_and_note_and_live_ones_are_withdrawn(
    ada: Any, ben: Any, fay: Any, crown: Any
) -> None:
    open_need = make_post(crown, ben, address="12 Linden Blvd, apt 3", private_note="back door, dog")
    claimed = make_post(crown, ben, title="Ride to clinic", category="transport", address="12 Linden Blvd")
    claim = services.claim_create(post=claimed, claimant=fay)
    account_delete(user=ben)
    for post in (open_need, claimed):
        post.refresh_from_db()
        assert post.status == "withdrawn" and post.closed_at is not None
        assert post.address == "" and post.private_note == ""
        assert post.title  # what they posted stays
    claim.refresh_from_db()
    assert claim.state == Claim.State.CANCELLED
    assert PostEvent.objects.filter(post=claimed, action="withdraw", actor=None).exists()


def test_a_need_they_promised_to_meet_opens_again(ben: Any, fay: Any, crown: Any) -> None:
    need = make_post(crown, fay, title="Groceries for a family of four")
    claim = services.claim_create(post=need, claimant=ben)
    services.claim_decide(claim=claim, actor=fay, accept=True)
    account_delete(user=ben)
    need.refresh_from_db()
    claim.refresh_from_db()
    assert need.status == "open"
    assert claim.state == Claim.State.RELEASED
    # The neighbour can be helped by someone else at once.
    services.claim_create(post=need, claimant=make_helper(crown))
    need.refresh_from_db()
    assert need.status == "claimed"


def test_posts_taken_in_for_a_neighbour_stay_the_neighbours(ben: Any, crown: Any) -> None:
    intake = make_post(
        crown,
        ben,
        title="Groceries for Rosa",
        address="40 Rogers Ave",
        on_behalf=services.ContactInput(name="Rosa", phone="347-555-0199"),
    )
    account_delete(user=ben)
    intake = Post.objects.get(pk=intake.pk)
    assert intake.status == "open" and intake.address == "40 Rogers Ave"
    assert intake.contact is not None and intake.contact.name == "Rosa"


def make_helper(crown: Any) -> Any:
    from mutualaid.members.models import Membership
    from tests.conftest import make_user

    user = make_user("gil")
    Membership.objects.create(user=user, group=crown)
    return user
