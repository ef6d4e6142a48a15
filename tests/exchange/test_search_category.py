"""A search with a category filter reads each word's tokens from that category's range only (the token
table carries the post's category, index `posttoken_category`). The answer is exactly the posts of that
category whose decrypted texts have every word, whatever the plan; a post whose category changes is
found under its new category only."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from mutualaid.exchange import search, services
from mutualaid.exchange.models import Post, PostToken
from tests.exchange.conftest import make_post
from tests.exchange.test_board import _board


def _titles(user: Any, group: Any, q: str, **filters: Any) -> list[str]:
    return sorted(str(p.title) for p in _board(user, group, q=q, **filters).posts)


def test_every_plan_finds_exactly_the_category_posts_having_every_word(
    ben: Any, crown: Any, monkeypatch: Any
) -> None:
    texts = ["rice beans", "rice", "rice soup", "beans bread", "coat", "rice beans soup", "bread rice"]
    for n, text in enumerate(texts * 2):
        make_post(crown, ben, title=f"{n} {text}", category=("food", "housing", "other")[n % 3])
    queries = [["rice"], ["coat"], ["rice", "beans"], ["beans", "rice", "soup"], ["bread", "coat"], ["milk"]]
    # (bound, most posts of several common words in one category fetched by id on PostgreSQL)
    for bound, intersection in ((0, 5000), (0, 0), (1, 5000), (1, 1), (2, 5000), (5, 5000), (2000, 5000)):
        monkeypatch.setattr(search, "CANDIDATES_MAX", bound)
        monkeypatch.setattr(search, "INTERSECTION_MAX", intersection)
        for category in ("food", "housing"):
            for words in queries:
                expected = sorted(
                    str(p.title)
                    for p in Post.objects.filter(group=crown, category=category)
                    if set(words) <= set(str(p.title).split()[1:])
                )
                got = _titles(ben, crown, " ".join(words), category=category)
                assert got == expected, (bound, intersection, category, words)


def test_the_category_range_is_what_is_read(ben: Any, crown: Any) -> None:
    make_post(crown, ben, title="rice", category="food")
    make_post(crown, ben, title="rice", category="housing")
    with CaptureQueriesContext(connection) as captured:
        assert _titles(ben, crown, "rice", category="housing") == ["rice"]
    token_reads = [q["sql"] for q in captured if "exchange_posttoken" in q["sql"]]
    assert token_reads and all('"category" = ' in sql for sql in token_reads), token_reads


def test_tokens_follow_the_posts_category(ben: Any, crown: Any) -> None:
    post = make_post(crown, ben, title="Warm coat", category="other")
    assert set(PostToken.objects.filter(post=post).values_list("category", flat=True)) == {"other"}
    services.post_update(
        post=post,
        actor=ben,
        data=services.PostInput(kind="need", category="supplies", title="Warm coat"),
    )
    assert set(PostToken.objects.filter(post=post).values_list("category", flat=True)) == {"supplies"}
    assert _titles(ben, crown, "coat", category="supplies") == ["Warm coat"]
    assert _titles(ben, crown, "coat", category="other") == []
