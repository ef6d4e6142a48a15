"""The board bench's bulk seeding (bench/exchange_board.py: rows built in Python, COPY or executemany)
writes what the app's services write: sealed titles and details that decrypt to the texts, the same
search tokens under the group's key as a service-made post of the same texts, and posts the search finds.
Otherwise the bench's figures would be of a different table than a real board's."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.db import connection

from mutualaid.exchange import search, services
from mutualaid.exchange.models import Post, PostToken

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import exchange_board  # type: ignore[import-not-found]  # bench/ is not a package


def _tokens(post: Post) -> set[tuple[int, int, str | None]]:
    return set(PostToken.objects.filter(post=post).values_list("group_id", "token", "category"))


def test_bench_seeded_posts_are_what_the_services_write(crown: Any, ben: Any) -> None:
    crown.categories = list(exchange_board.CATEGORIES)
    crown.save()
    exchange_board.seed(crown, ben, 3)  # 3 needs and 3 offers
    seeded = list(Post.objects.filter(group=crown).order_by("pk"))
    assert [p.kind for p in seeded] == ["need", "offer"] * 3
    with connection.cursor() as cursor:
        cursor.execute("SELECT title, details FROM exchange_post WHERE id = %s", [seeded[0].pk])
        raw_title, raw_details = cursor.fetchone()
    assert seeded[0].title and seeded[0].title.split()[0] not in raw_title + raw_details  # sealed

    for post in seeded:
        made = services.post_create(
            group=crown,
            author=ben,
            data=services.PostInput(
                kind=post.kind, title=str(post.title), details=str(post.details), category=post.category
            ),
        )
        made.refresh_from_db()
        assert (post.title, post.details) == (made.title, made.details)  # decrypted from the rows
        assert post.title and post.details and set(post.title.split()) <= set(post.details.split())
        assert post.search_key == made.search_key
        assert _tokens(post) == _tokens(made) != set()
        assert (post.status, post.visibility, post.expires_at is None) == (
            made.status,
            made.visibility,
            made.expires_at is None,
        )
        assert set(PostToken.objects.filter(post=post).values_list("created_at", flat=True)) == {
            post.created_at
        }

        every_word = " ".join(post.title.split())
        found = search.search(Post.objects.filter(group=crown), group_id=crown.pk, query=every_word)
        assert {post.pk, made.pk} <= set(found.values_list("pk", flat=True))

    more = exchange_board.seed(crown, ben, 1, rng_seed=8)  # a second seeding continues the ids
    assert more is None and Post.objects.filter(group=crown).count() == 6 + 6 + 2
