"""The board: filters, search, nearest first, pagination, pinned query counts, triage."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from mutualaid.exchange import selectors, services
from mutualaid.exchange.models import Post
from mutualaid.groups.services import area_add
from mutualaid.members.models import Membership
from tests.helpers import assert_query_count, make_post


def _board(user: Any, group: Any, **filters: Any) -> selectors.BoardPage:
    membership = Membership.objects.get(user=user, group=group)
    return selectors.board(
        group=group, user=user, membership=membership, filters=selectors.BoardFilters(**filters)
    )


def test_filters(ben: Any, fay: Any, crown: Any) -> None:
    rice = make_post(crown, ben, title="Rice", urgency="today", languages=["es"])
    ride = make_post(crown, fay, title="Ride to clinic", category="transport", kind="offer")
    assert [p.pk for p in _board(ben, crown, category="transport").posts] == [ride.pk]
    assert [p.pk for p in _board(ben, crown, kind="need").posts] == [rice.pk]
    assert [p.pk for p in _board(ben, crown, urgency="today").posts] == [rice.pk]
    assert [p.pk for p in _board(ben, crown, language="es").posts] == [rice.pk]
    services.post_act(post=rice, actor=ben, action="withdraw")
    assert [p.pk for p in _board(ben, crown).posts] == [ride.pk]
    assert [p.pk for p in _board(ben, crown, status="withdrawn").posts] == [rice.pk]
    assert [p.pk for p in _board(fay, crown, mine=True).posts] == [ride.pk]


def test_full_text_search(ben: Any, crown: Any) -> None:
    make_post(crown, ben, title="Baby formula", details="Two tins of formula for a newborn")
    make_post(crown, ben, title="Ride to the clinic", details="Tuesday morning")
    assert [p.title for p in _board(ben, crown, q="formula").posts] == ["Baby formula"]
    assert [p.title for p in _board(ben, crown, q="clinic tuesday").posts] == ["Ride to the clinic"]
    assert _board(ben, crown, q="nothing-like-this").posts == []


def test_nearest_first(ben: Any, crown: Any) -> None:
    area_add(group=crown, name="Wingate", lat=40.660, lon=-73.943, postal_code="11225")
    area_add(group=crown, name="North", lat=40.676, lon=-73.945, postal_code="11216")
    far = make_post(crown, ben, title="far", area="North")
    near = make_post(crown, ben, title="near", area="Wingate")
    nowhere = make_post(crown, ben, title="nowhere")
    page = _board(ben, crown, area="11225")
    assert [p.pk for p in page.posts] == [near.pk, far.pk, nowhere.pk]
    assert page.place is not None and page.place.label == "Wingate"
    assert _board(ben, crown, area="Atlantis-on-Sea").place_unknown


def test_pagination(ben: Any, crown: Any) -> None:
    now = timezone.now()
    posts = [
        Post(
            group=crown,
            kind="need",
            author=ben,
            category="food",
            title=f"n{i}",
            created_at=now - timedelta(minutes=i),
        )
        for i in range(selectors.PAGE_SIZE + 5)
    ]
    Post.objects.bulk_create(posts)
    first = _board(ben, crown)
    second = _board(ben, crown, page=2)
    assert len(first.posts) == selectors.PAGE_SIZE and first.has_next
    assert len(second.posts) == 5 and not second.has_next
    assert first.posts[0].title == "n0"


def test_board_page_uses_a_constant_number_of_queries(
    client_for: Any, ben: Any, fay: Any, crown: Any
) -> None:
    area_add(group=crown, name="Wingate", lat=40.660, lon=-73.943, postal_code="11225")
    client = client_for(ben)
    url = reverse("exchange_board", args=[crown.slug])
    client.get(url, {"q": "warm"})  # the first request records last-seen and checks the search index once
    # session + user + membership + the page itself + the header's count of unread notices. Nearest first
    # adds the place lookup, and when the half-kilometre disc around the place holds less than a page (as
    # here), one query over the group. A search adds one bounded read of the words' posting lists (its
    # rarest-word-first plan, `exchange.search.search`). The same with one post and with sixteen.
    for n in (1, 15):
        for i in range(n):
            make_post(crown, fay, title=f"post {n}-{i}", languages=["en"], area="Wingate")
        with assert_query_count(5):
            assert client.get(url).status_code == 200
        with assert_query_count(6):
            assert client.get(url, {"q": "post", "category": "food", "language": "en"}).status_code == 200
        with assert_query_count(8):
            assert client.get(url, {"area": "11225", "q": "post"}).status_code == 200


def test_triage_lists_oldest_unmet_stale_claims_and_uncovered_needs(
    client_for: Any, ada: Any, ben: Any, fay: Any, crown: Any
) -> None:
    old = make_post(crown, ben, title="old need")
    Post.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=20))
    covered = make_post(crown, ben, title="needs a ride", category="transport")
    make_post(crown, fay, title="I drive", category="transport", kind="offer")
    stale = make_post(crown, ben, title="stale")
    services.claim_create(post=stale, claimant=fay)
    Post.objects.filter(pk=stale.pk).update(updated_at=timezone.now() - timedelta(days=5))
    result = selectors.triage(group=crown)
    assert next(p.title for p in result.oldest_unmet) == "old need"
    assert [p.title for p in result.stale_claims] == ["stale"]
    assert covered not in result.nobody_offers and old in result.nobody_offers
    page = client_for(ada).get(reverse("exchange_triage", args=[crown.slug])).content.decode()
    assert "old need" in page and "stale" in page
