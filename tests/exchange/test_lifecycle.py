"""The life cycle as a state machine: legal moves, refused moves, and a property-based walk."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mutualaid.exchange import lifecycle, services
from mutualaid.exchange.models import Claim, Post, PostEvent
from tests.helpers import make_post


def test_every_state_has_a_way_out_except_the_final_ones() -> None:
    for state in lifecycle.STATES:
        assert bool(lifecycle.allowed(state)) == (state not in lifecycle.FINAL)


def test_illegal_moves_raise() -> None:
    with pytest.raises(lifecycle.IllegalTransition):
        lifecycle.next_state("fulfilled", "claim")
    with pytest.raises(lifecycle.IllegalTransition):
        lifecycle.next_state("open", "fulfil")


@given(st.lists(st.sampled_from(lifecycle.ACTIONS), max_size=30))
def test_pure_machine_never_leaves_the_known_states(actions: list[str]) -> None:
    state = lifecycle.OPEN
    for action in actions:
        try:
            state = lifecycle.next_state(state, action)
        except lifecycle.IllegalTransition:
            continue
        assert state in lifecycle.STATES
    assert state in lifecycle.STATES


def test_claim_on_a_fulfilled_post_is_refused_with_a_clear_message(
    ada: Any, ben: Any, fay: Any, crown: Any
) -> None:
    post = make_post(crown, ben)
    claim = services.claim_create(post=post, claimant=fay)
    services.claim_decide(claim=claim, actor=ben, accept=True)
    services.post_act(post=post, actor=fay, action="fulfil")
    with pytest.raises(ValidationError) as exc:
        services.claim_create(post=post, claimant=ada)
    assert exc.value.messages == ["This post cannot be claimed: it is fulfilled."]
    assert Claim.objects.filter(post=post).count() == 1


def test_history_records_who_and_what(ben: Any, fay: Any, crown: Any) -> None:
    post = make_post(crown, ben)
    claim = services.claim_create(post=post, claimant=fay)
    services.claim_decide(claim=claim, actor=ben, accept=True)
    services.post_act(post=post, actor=ben, action="fulfil")
    events = list(
        PostEvent.objects.filter(post=post).values_list(
            "actor__username", "action", "from_status", "to_status"
        )
    )
    assert events == [
        ("ben", "post", "", "open"),
        ("fay", "claim", "open", "claimed"),
        ("ben", "accept", "claimed", "in_progress"),
        ("ben", "fulfil", "in_progress", "fulfilled"),
    ]
    post.refresh_from_db()
    assert post.closed_at is not None


# A random walk through the services, by random actors: whatever happens, the invariants hold.
ACTORS = ("ben", "fay", "ada", "cy")
STEP = st.tuples(
    st.sampled_from(
        ("claim", "accept", "decline", "assign", "release", "fulfil", "withdraw", "renew", "expire")
    ),
    st.sampled_from(ACTORS),
)


def _apply(post: Post, users: dict[str, Any], action: str, actor: str) -> None:
    user = users[actor]
    live = Claim.objects.filter(post=post, state__in=Claim.LIVE).first()
    if action == "claim":
        services.claim_create(post=post, claimant=user)
    elif action in ("accept", "decline"):
        if live is None:
            raise ValidationError("no claim")
        services.claim_decide(claim=live, actor=user, accept=action == "accept")
    elif action == "assign":
        services.post_assign(post=post, actor=user, claimant=users["fay"])
    elif action == "expire":
        from datetime import timedelta

        from django.utils import timezone

        services.posts_expire(now=timezone.now() + timedelta(days=400))
    else:
        services.post_act(post=post, actor=user, action=action)


def _check_invariants(post: Post) -> None:
    post.refresh_from_db()
    assert post.status in lifecycle.STATES
    live = list(Claim.objects.filter(post=post, state__in=Claim.LIVE))
    assert len(live) <= 1
    expected = lifecycle.live_claim_expected(post.status)
    assert [c.state for c in live] == ([expected] if expected else [])
    assert (post.closed_at is not None) == (post.status in lifecycle.CLOSED)
    assert all(c.claimant_id != post.author_id for c in live)
    last = PostEvent.objects.filter(post=post).exclude(action="remind").last()
    assert last is not None and last.to_status == post.status


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(STEP, max_size=12))
def test_no_sequence_of_actions_reaches_an_illegal_state(
    steps: list[tuple[str, str]], ada: Any, ben: Any, fay: Any, cy: Any, crown: Any
) -> None:
    users = {"ada": ada, "ben": ben, "fay": fay, "cy": cy}
    post = make_post(crown, ben)
    for action, actor in steps:
        with contextlib.suppress(ValidationError, PermissionDenied):
            _apply(post, users, action, actor)
        _check_invariants(post)
    post.delete()
