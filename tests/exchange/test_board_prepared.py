"""The plain board's prepared SQL (exchange.selectors._plain_board_rows) gives exactly the posts the ORM
query gives, with the same scoping: coordinators-only posts for coordinators, their poster and whoever
was assigned to them; only live posts; newest first; one page and one more row."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import connection
from django.utils import timezone

from mutualaid.exchange import search, selectors, services
from mutualaid.exchange.models import Claim, Post, Status, Visibility
from mutualaid.members.models import Membership
from tests.helpers import assert_query_count, make_post


def _orm_page(user: Any, group: Any, page: int = 1) -> list[int]:
    membership = Membership.objects.get(user=user, group=group)
    start = (page - 1) * selectors.PAGE_SIZE
    return [p.pk for p in selectors._plain_query(group, user, membership, start)]


def _board(user: Any, group: Any, page: int = 1) -> selectors.BoardPage:
    membership = Membership.objects.get(user=user, group=group)
    return selectors.board(
        group=group,
        user=user,
        membership=membership,
        filters=selectors.BoardFilters(status="", page=page),
        cards=True,
    )


def test_prepared_board_matches_the_orm_and_its_scoping(
    ada: Any, ben: Any, fay: Any, cy: Any, crown: Any, bush: Any
) -> None:
    selectors._PLAIN_SQL.clear()
    now = timezone.now()
    open_post = make_post(crown, fay, title="Rice")
    hidden = make_post(crown, fay, title="Coordinators only", visibility=Visibility.COORDINATORS)
    own_hidden = make_post(crown, ben, title="Ben's own", visibility=Visibility.COORDINATORS)
    assigned = make_post(crown, fay, title="Assigned to ben", visibility=Visibility.COORDINATORS)
    Claim.objects.create(post=assigned, claimant=ben, state=Claim.State.ACCEPTED)
    withdrawn = make_post(crown, fay, title="Withdrawn")
    services.post_act(post=withdrawn, actor=fay, action="withdraw")
    elsewhere = make_post(bush, cy, title="Another group")
    for age, post in enumerate([open_post, hidden, own_hidden, assigned, withdrawn]):
        Post.objects.filter(pk=post.pk).update(created_at=now - timedelta(minutes=age))

    ben_sees = [p.pk for p in _board(ben, crown).posts]
    assert ben_sees == [open_post.pk, own_hidden.pk, assigned.pk] == _orm_page(ben, crown)
    fay_sees = [p.pk for p in _board(fay, crown).posts]
    assert fay_sees == [open_post.pk, hidden.pk, assigned.pk] == _orm_page(fay, crown)
    ada_sees = [p.pk for p in _board(ada, crown).posts]
    assert ada_sees == [open_post.pk, hidden.pk, own_hidden.pk, assigned.pk] == _orm_page(ada, crown)
    assert elsewhere.pk not in ben_sees + fay_sees + ada_sees
    # Both shapes (member, coordinator) went through the prepared SQL.
    assert {coordinator for (_db, coordinator, _start) in selectors._PLAIN_SQL} == {False, True}


def test_prepared_board_pages_and_one_query(ben: Any, fay: Any, crown: Any) -> None:
    now = timezone.now()
    posts = [make_post(crown, fay, title=f"Post {i}") for i in range(selectors.PAGE_SIZE + 3)]
    for age, post in enumerate(posts):
        Post.objects.filter(pk=post.pk).update(created_at=now - timedelta(minutes=age))
    first = _board(ben, crown)
    assert [p.pk for p in first.posts] == [p.pk for p in posts[: selectors.PAGE_SIZE]]
    assert first.has_next
    second = _board(ben, crown, page=2)
    assert [p.pk for p in second.posts] == [p.pk for p in posts[selectors.PAGE_SIZE :]]
    assert not second.has_next
    assert [p.pk for p in second.posts] == _orm_page(ben, crown, page=2)
    membership = Membership.objects.get(user=ben, group=crown)
    with assert_query_count(1):
        page = selectors.board(
            group=crown,
            user=ben,
            membership=membership,
            filters=selectors.BoardFilters(status=""),
            cards=True,
        )
        # what a card shows is loaded with the page: no query per card
        assert [(p.title, p.kind, p.status, p.area, p.created_at) for p in page.posts]


def _searched(user: Any, group: Any, q: str, *, cards: bool = True) -> list[Post]:
    membership = Membership.objects.get(user=user, group=group)
    filters = selectors.BoardFilters(status="", q=q)
    return selectors.board(group=group, user=user, membership=membership, filters=filters, cards=cards).posts


def _orm_searched(user: Any, group: Any, q: str) -> list[int]:
    """The same page straight from the ORM: `visible_posts`, live posts, the search's plan, newest first."""
    membership = Membership.objects.get(user=user, group=group)
    steps = search.plan(group_id=group.pk, query=q, first=selectors.PAGE_SIZE + 1)
    posts = selectors.visible_posts(group, user, membership).filter(
        status__in=(Status.OPEN, Status.CLAIMED, Status.IN_PROGRESS)
    )
    ordered = search.apply(posts, steps, group_id=group.pk).order_by("-created_at", "-id")
    return [p.pk for p in ordered[: selectors.PAGE_SIZE]]


def test_prepared_search_matches_the_orm_and_its_scoping(
    ada: Any, ben: Any, fay: Any, cy: Any, crown: Any, bush: Any, monkeypatch: Any
) -> None:
    """A search alone runs SQL compiled once per shape of its plan (ids of rare words; common words
    probed per post; one listed), with the same scoping as the ORM: tried with each word's list short
    and then, with the bound lowered, common."""
    selectors._SEARCH_SQL.clear()
    now = timezone.now()
    posts = [
        make_post(crown, fay, title="Rice and beans"),
        make_post(crown, fay, title="Rice for coordinators", visibility=Visibility.COORDINATORS),
        make_post(crown, ben, title="Ben's rice", visibility=Visibility.COORDINATORS),
        make_post(crown, fay, title="Rice assigned to ben", visibility=Visibility.COORDINATORS),
        make_post(crown, fay, title="Withdrawn rice"),
        make_post(crown, fay, title="Beans only"),
    ]
    Claim.objects.create(post=posts[3], claimant=ben, state=Claim.State.ACCEPTED)
    services.post_act(post=posts[4], actor=fay, action="withdraw")
    make_post(bush, cy, title="Rice in another group")
    for age, post in enumerate(posts):
        Post.objects.filter(pk=post.pk).update(created_at=now - timedelta(minutes=age))
    expected = {
        ben: {"rice": [posts[0].pk, posts[2].pk, posts[3].pk], "rice beans": [posts[0].pk]},
        fay: {"rice": [posts[0].pk, posts[1].pk, posts[3].pk], "rice beans": [posts[0].pk]},
        ada: {"rice": [p.pk for p in posts[:4]], "rice beans": [posts[0].pk]},
    }
    for bound in (1000, 1):  # complete lists of ids; then every word common (EXISTS, and one listed)
        monkeypatch.setattr("mutualaid.exchange.search.CANDIDATES_MAX", bound)
        for user, searches in expected.items():
            for q, ids in searches.items():
                assert [p.pk for p in _searched(user, crown, q)] == ids == _orm_searched(user, crown, q), (
                    bound,
                    q,
                )
                whole = _searched(user, crown, q, cards=False)  # the API's: whole posts with their authors
                assert [p.pk for p in whole] == ids
                with assert_query_count(0):  # the authors came with the page
                    seen = [(p.title, p.details, p.author_id, p.author.display_name) for p in whole]
                orm = [Post.objects.select_related("author").get(pk=p.pk) for p in whole]
                assert seen == [(p.title, p.details, p.author_id, p.author.display_name) for p in orm]
        assert _searched(ben, crown, "nothing-like-this") == []
    kinds = {
        step[0] for (_db, _coordinator, _start, shape, _cards) in selectors._SEARCH_SQL for step in shape
    }
    # On PostgreSQL a word's tokens do not come out of the compiler as parameters of their own (the
    # stand-ins are converted with the token column), so "exists" steps take the ORM path there: the same
    # rows, as checked above, without the prepared SQL.
    assert kinds == ({"ids", "exists"} if connection.vendor == "sqlite" else {"ids"})
    assert {coordinator for (_db, coordinator, _start, _shape, _cards) in selectors._SEARCH_SQL} == {
        False,
        True,
    }


def test_prepared_whole_posts_for_the_api(ada: Any, ben: Any, fay: Any, crown: Any, api_for: Any) -> None:
    """The API's plain board (whole posts, their authors) through the prepared SQL: the ORM's posts."""
    selectors._SEARCH_SQL.clear()
    make_post(crown, fay, title="Rice")
    make_post(crown, ben, title="Ben's own", visibility=Visibility.COORDINATORS)
    make_post(crown, fay, title="Hidden", visibility=Visibility.COORDINATORS)
    for user in (ben, fay, ada):
        whole = _board_whole(user, crown)
        assert [p.pk for p in whole] == _orm_page_whole(user, crown)
        with assert_query_count(0):
            names = [p.author.display_name for p in whole]
        assert names == [Post.objects.get(pk=p.pk).author.display_name for p in whole]
    assert {(shape, cards) for (_db, _c, _start, shape, cards) in selectors._SEARCH_SQL} == {((), False)}
    response = api_for(ben).get("/api/v1/groups/crown/posts")
    assert response.status_code == 200
    assert [r["title"] for r in response.json()["results"]] == ["Ben's own", "Rice"]


def _board_whole(user: Any, group: Any) -> list[Post]:
    membership = Membership.objects.get(user=user, group=group)
    filters = selectors.BoardFilters(status="")
    return selectors.board(group=group, user=user, membership=membership, filters=filters).posts


def _orm_page_whole(user: Any, group: Any) -> list[int]:
    membership = Membership.objects.get(user=user, group=group)
    posts = selectors.visible_posts(group, user, membership).filter(
        status__in=(Status.OPEN, Status.CLAIMED, Status.IN_PROGRESS)
    )
    return [p.pk for p in posts.order_by("-created_at", "-id")[: selectors.PAGE_SIZE]]
