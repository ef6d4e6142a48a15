"""The coordinators' round page, bulk decisions through the form, and the members' page."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from mutualaid.exchange.models import Claim, Post
from mutualaid.matching.models import MatchingSettings, Proposal
from tests.helpers import HERE, NEAR, assert_query_count, make_post
from tests.matching.test_round_jobs import run_jobs


def test_coordinator_runs_a_round_and_sees_reasons(
    crown: Any, ada: Any, ben: Any, fay: Any, client_for: Any
) -> None:
    make_post(crown, ben, "Groceries", urgency="today", address="12 Secret Street", place=HERE)
    make_post(crown, fay, "Soup pots", kind="offer", place=NEAR)
    client = client_for(ada, csrf=False)
    url = reverse("matching_rounds", kwargs={"slug": crown.slug})
    assert client.post(url).status_code == 302
    run_jobs()  # the worker runs the queued round
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "1 proposal" in page
    assert "Groceries" in page and "Soup pots" in page and "km apart" in page and "Today" in page
    assert "waiting 0 days" in page
    assert "Secret" not in page
    assert Proposal.objects.filter(state="proposed").count() == 1


def test_round_page_query_count_is_flat(crown: Any, ada: Any, ben: Any, fay: Any, client_for: Any) -> None:
    from mutualaid.matching import services

    for i in range(6):
        make_post(crown, ben, f"Need {i}", place=HERE)
        make_post(crown, fay, f"Offer {i}", kind="offer", place=NEAR)
    services.round_run(group=crown, started_by=ada)
    client = client_for(ada)
    url = reverse("matching_rounds", kwargs={"slug": crown.slug})
    client.get(url)  # warm the session and the 2FA check
    with assert_query_count(8):
        assert client.get(url).status_code == 200


def test_bulk_approve_with_edited_units_then_both_sides_answer(
    crown: Any, ada: Any, ben: Any, fay: Any, client_for: Any
) -> None:
    from mutualaid.matching import services

    make_post(crown, ben, "Groceries", quantity=3, place=HERE)
    make_post(crown, fay, "Soup", kind="offer", quantity=3, place=NEAR)
    proposal = services.round_run(group=crown, started_by=ada).proposals.get()
    decide = reverse("matching_decide", kwargs={"slug": crown.slug})
    response = client_for(ada, csrf=True).post(
        decide, {"selected": [proposal.pk], "action": "approve", f"units-{proposal.pk}": "2"}
    )
    assert response.status_code == 403  # no CSRF token
    response = client_for(ada).post(
        decide, {"selected": [proposal.pk], "action": "approve", f"units-{proposal.pk}": "2"}, follow=True
    )
    assert "Approved: 1. Rejected: 0. No longer open: 0." in response.content.decode()
    proposal.refresh_from_db()
    assert (proposal.state, proposal.units) == ("approved", 2)

    mine = reverse("matching_mine", kwargs={"slug": crown.slug})
    respond = reverse("matching_respond", kwargs={"slug": crown.slug, "proposal_id": proposal.pk})
    page = client_for(ben).get(mine).content.decode()
    assert "Soup" in page and respond in page
    response = client_for(ben).post(respond, {"decision": "accept"}, follow=True)
    assert "Waiting for the other side." in response.content.decode()
    response = client_for(fay).post(respond, {"decision": "accept"}, follow=True)
    assert (
        "Both sides accepted: 2 units of the need are now assigned on the board; the rest stays open."
        in response.content.decode()
    )
    # The two units were split off into their own post, assigned to fay; one unit stays open.
    proposal.refresh_from_db()
    part = proposal.claim.post
    assert (part.pk != proposal.need_id, part.quantity, part.status, part.title) == (
        True,
        2,
        "in_progress",
        "Groceries",
    )
    assert proposal.claim.claimant == fay and part.author == ben
    need = Post.objects.get(pk=proposal.need_id)
    assert (need.quantity, need.status) == (1, "open")
    assert not Claim.objects.filter(post=need).exists()
    assert client_for(ben).post(respond, {"decision": "accept"}).status_code == 302  # answered: message only


def test_bulk_reject_and_nothing_ticked(crown: Any, ada: Any, ben: Any, fay: Any, client_for: Any) -> None:
    from mutualaid.matching import services

    make_post(crown, ben, "Groceries", place=HERE)
    make_post(crown, fay, "Soup", kind="offer", place=NEAR)
    proposal = services.round_run(group=crown, started_by=ada).proposals.get()
    decide = reverse("matching_decide", kwargs={"slug": crown.slug})
    response = client_for(ada).post(decide, {"action": "reject"}, follow=True)
    assert "Tick at least one proposal, then approve or reject." in response.content.decode()
    client_for(ada).post(decide, {"selected": [proposal.pk], "action": "reject"})
    proposal.refresh_from_db()
    assert proposal.state == "rejected"


def test_member_sees_a_coordinators_only_post_by_its_category_only(
    crown: Any, ada: Any, ben: Any, fay: Any, client_for: Any
) -> None:
    from mutualaid.matching import services

    make_post(crown, ben, "Groceries", place=HERE)
    make_post(crown, fay, "Quiet soup delivery", kind="offer", visibility="coordinators", place=NEAR)
    proposal = services.round_run(group=crown, started_by=ada).proposals.get()
    assert (
        "Quiet soup delivery"
        in client_for(ada).get(reverse("matching_rounds", kwargs={"slug": crown.slug})).content.decode()
    )
    services.proposals_decide(group=crown, actor=ada, approve_ids=[proposal.pk])
    page = client_for(ben).get(reverse("matching_mine", kwargs={"slug": crown.slug})).content.decode()
    assert "Quiet soup delivery" not in page
    assert "an offer shared with coordinators only (Food)" in page


def test_suggested_for_you_shows_only_visible_nearby_posts(
    crown: Any, ada: Any, ben: Any, fay: Any, client_for: Any
) -> None:
    from mutualaid.matching.models import DeclinedPair

    need = make_post(crown, ben, "Groceries", place=HERE)
    make_post(crown, fay, "Soup nearby", kind="offer", place=NEAR)
    make_post(crown, fay, "Hidden soup", kind="offer", visibility="coordinators", place=NEAR)
    make_post(crown, fay, "Far soup", kind="offer", place={"lat": 41.5, "lon": -73.9})
    make_post(crown, fay, "A bike", kind="offer", category="transport", place=NEAR)
    declined = make_post(crown, fay, "Declined soup", kind="offer", place=NEAR)
    DeclinedPair.objects.create(need=need, offer=declined)
    page = client_for(ben).get(reverse("matching_mine", kwargs={"slug": crown.slug})).content.decode()
    assert "Suggested for you" in page and "Soup nearby" in page
    for hidden in ("Hidden soup", "Far soup", "A bike", "Declined soup"):
        assert hidden not in page
    # The offer's side sees the need.
    assert (
        "Groceries"
        in client_for(fay).get(reverse("matching_mine", kwargs={"slug": crown.slug})).content.decode()
    )


def test_settings_form(crown: Any, ada: Any, client_for: Any) -> None:
    client_for(ada).post(reverse("matching_settings", kwargs={"slug": crown.slug}), {"schedule": "daily"})
    assert MatchingSettings.objects.get(group=crown).schedule == "daily"
    response = client_for(ada).post(
        reverse("matching_settings", kwargs={"slug": crown.slug}), {"schedule": "x"}, follow=True
    )
    assert "Choose when rounds run." in response.content.decode()


def test_pages_in_spanish(crown: Any, ada: Any, client_for: Any) -> None:
    ada.language = "es"
    ada.save(update_fields=["language"])
    page = client_for(ada).get(reverse("matching_rounds", kwargs={"slug": crown.slug})).content.decode()
    assert "Ejecutar una ronda de emparejamiento" in page and "Rondas programadas" in page


def test_errors_in_spanish(crown: Any, ben: Any) -> None:
    import pytest
    from django.core.exceptions import PermissionDenied
    from django.utils import translation

    from mutualaid.matching import services

    with translation.override("es"), pytest.raises(PermissionDenied) as caught:
        services.round_run(group=crown, started_by=ben)
    assert str(caught.value) == "Solo las personas coordinadoras pueden hacer eso."


def test_group_page_links_to_matching(crown: Any, ada: Any, ben: Any, client_for: Any) -> None:
    mine = f'href="{reverse("matching_mine", kwargs={"slug": crown.slug})}"'
    rounds = f'href="{reverse("matching_rounds", kwargs={"slug": crown.slug})}"'
    page = client_for(ben).get(reverse("group", kwargs={"slug": crown.slug})).content.decode()
    assert mine in page and rounds not in page
    page = client_for(ada).get(reverse("group", kwargs={"slug": crown.slug})).content.decode()
    assert mine in page and rounds in page


def test_members_page_costs_one_query_per_category_of_own_posts(
    crown: Any, ada: Any, ben: Any, fay: Any, client_for: Any
) -> None:
    from mutualaid.matching import services

    for i in range(4):
        make_post(crown, ben, f"Need {i}", place=HERE)
        make_post(crown, fay, f"Offer {i}", kind="offer", place=NEAR)
    proposals = services.round_run(group=crown, started_by=ada).proposals.all()
    services.proposals_decide(group=crown, actor=ada, approve_ids=[p.pk for p in proposals])
    client = client_for(ben)
    url = reverse("matching_mine", kwargs={"slug": crown.slug})
    client.get(url)
    with assert_query_count(8):  # four own needs, one category: one candidate query
        page = client.get(url).content.decode()
    assert page.count("Accept</button>") == 4


def test_suggestions_share_an_index_and_still_skip_each_posts_declined_pairs(
    crown: Any, ben: Any, fay: Any
) -> None:
    from mutualaid.matching import selectors
    from mutualaid.matching.models import DeclinedPair

    first = make_post(crown, ben, "Groceries", place=HERE)
    second = make_post(crown, ben, "More groceries", place=HERE)
    [
        make_post(crown, fay, f"Soup {i}", kind="offer", place={"lat": 40.6650 + i * 0.002, "lon": -73.95})
        for i in range(8)
    ]
    before = {e.post.pk: [s.post.pk for s in e.suggestions] for e in selectors.suggested_for(crown, ben)}
    best = before[first.pk][:3]
    for offer_id in best:  # the three best, declined for the first need only
        DeclinedPair.objects.create(need=first, offer_id=offer_id)
    shown = {e.post.pk: [s.post.pk for s in e.suggestions] for e in selectors.suggested_for(crown, ben)}
    assert len(shown[first.pk]) == 5 and not set(shown[first.pk]) & set(best)
    assert shown[second.pk] == before[second.pk] and set(best) <= set(shown[second.pk])
