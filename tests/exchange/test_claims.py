"""Claims: offer help, accept or decline, release, coordinator assignment, exclusivity under concurrency."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from mutualaid.exchange import services
from mutualaid.exchange.models import Claim, Post
from tests.helpers import make_post, without_random


def test_claim_accept_fulfil_through_the_pages(client_for: Any, ben: Any, fay: Any, crown: Any) -> None:
    post = make_post(crown, ben)
    response = client_for(fay).post(reverse("exchange_claim", args=[crown.slug, post.pk]))
    assert response.status_code == 302
    claim = Claim.objects.get(post=post)
    assert (claim.claimant, claim.state) == (fay, "pending")
    client_for(ben).post(
        reverse("exchange_claim_decide", args=[crown.slug, post.pk, claim.pk]), {"decision": "accept"}
    )
    post.refresh_from_db()
    assert post.status == "in_progress"
    client_for(fay).post(reverse("exchange_act", args=[crown.slug, post.pk]), {"action": "fulfil"})
    post.refresh_from_db()
    claim.refresh_from_db()
    assert (post.status, claim.state) == ("fulfilled", "done")


def test_declining_reopens_the_post(ben: Any, fay: Any, crown: Any) -> None:
    post = make_post(crown, ben)
    claim = services.claim_create(post=post, claimant=fay)
    services.claim_decide(claim=claim, actor=ben, accept=False)
    post.refresh_from_db()
    claim.refresh_from_db()
    assert (post.status, claim.state) == ("open", "declined")


def test_helper_releases_a_claim_which_reopens_the_need(ben: Any, fay: Any, crown: Any) -> None:
    post = make_post(crown, ben)
    claim = services.claim_create(post=post, claimant=fay)
    services.claim_decide(claim=claim, actor=ben, accept=True)
    services.post_act(post=post, actor=fay, action="release")
    post.refresh_from_db()
    claim.refresh_from_db()
    assert (post.status, claim.state) == ("open", "released")


def test_only_the_poster_or_a_coordinator_answers_a_claim(ada: Any, ben: Any, fay: Any, crown: Any) -> None:
    post = make_post(crown, ben)
    claim = services.claim_create(post=post, claimant=fay)
    with pytest.raises(PermissionDenied):
        services.claim_decide(claim=claim, actor=fay, accept=True)
    services.claim_decide(claim=claim, actor=ada, accept=True)
    assert Post.objects.get(pk=post.pk).status == "in_progress"


def test_a_member_cannot_claim_their_own_post(ben: Any, crown: Any) -> None:
    post = make_post(crown, ben)
    with pytest.raises(ValidationError) as exc:
        services.claim_create(post=post, claimant=ben)
    assert exc.value.messages == ["You cannot claim your own post."]


def test_second_claim_is_refused(ada: Any, ben: Any, fay: Any, crown: Any) -> None:
    post = make_post(crown, ben)
    services.claim_create(post=post, claimant=fay)
    with pytest.raises(ValidationError) as exc:
        services.claim_create(post=post, claimant=ada)
    assert exc.value.messages == ["This post cannot be claimed: it is claimed."]


def test_coordinator_assigns_and_members_cannot(ada: Any, ben: Any, fay: Any, crown: Any) -> None:
    post = make_post(crown, ben)
    with pytest.raises(PermissionDenied):
        services.post_assign(post=post, actor=fay, claimant=fay)
    claim = services.post_assign(post=post, actor=ada, claimant=fay)
    assert (claim.state, claim.assigned_by) == ("accepted", ada)
    assert Post.objects.get(pk=post.pk).status == "in_progress"


def test_coordinator_without_second_factor_cannot_assign(
    ben: Any, fay: Any, crown: Any, settings: Any
) -> None:
    from mutualaid.members.models import Membership
    from tests.conftest import make_user

    gil = make_user("gil")
    Membership.objects.create(user=gil, group=crown, role="coordinator")
    post = make_post(crown, ben)
    with pytest.raises(PermissionDenied):
        services.post_assign(post=post, actor=gil, claimant=fay)


def test_history_is_for_participants_and_coordinators(
    client_for: Any, ada: Any, ben: Any, fay: Any, crown: Any
) -> None:
    from mutualaid.members.models import Membership
    from tests.conftest import make_user

    gus = make_user("gus")
    Membership.objects.create(user=gus, group=crown)
    post = make_post(crown, ben)
    services.claim_create(post=post, claimant=fay)
    url = reverse("exchange_post", args=[crown.slug, post.pk])
    for user in (ben, fay, ada):
        assert "History" in client_for(user).get(url).content.decode()
    page = without_random(client_for(gus).get(url).content.decode())
    assert "History" not in page and "Fay" not in page
