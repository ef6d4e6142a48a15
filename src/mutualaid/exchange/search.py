"""Search of sealed post texts through keyed tokens (`PostToken`, see `core.keyedsearch`).

Writing: `reindex` replaces a post's tokens whenever its title, details or group change (a `post_save`
receiver for single saves; bulk paths such as the import call it themselves). Reading: `search` narrows
a queryset of posts to those having, for every word typed, one of the word's tokens. The database never
sees a word, only 64-bit digests; nothing is decrypted to filter.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Count, QuerySet
from django.db.models.signals import post_save
from django.dispatch import receiver

from mutualaid.core import keyedsearch
from mutualaid.core.encryption import KeyRingError
from mutualaid.exchange.models import Post, PostToken

SEARCH_MAX = 200
TEXT_FIELDS = frozenset({"title", "details", "group"})


def reindex(posts: Sequence[Post], *, key_id: str | None = None) -> int:
    """Replace the tokens of `posts` (already saved) with tokens under key `key_id` (the primary)."""
    if not posts:
        return 0
    rows: list[PostToken] = []
    by_key: dict[str, list[int]] = {}
    for post in posts:
        kid, key = keyedsearch.group_key(post.group_id, key_id)
        terms = keyedsearch.index_terms(post.title or "", post.details or "")
        rows.extend(
            PostToken(group_id=post.group_id, token=t, post_id=post.pk)
            for t in keyedsearch.tokens(key, terms)
        )
        by_key.setdefault(kid, []).append(post.pk)
        post.search_key = kid
    ids = [p.pk for p in posts]
    with transaction.atomic():
        for start in range(0, len(ids), 500):
            PostToken.objects.filter(post_id__in=ids[start : start + 500]).delete()
        PostToken.objects.bulk_create(rows, batch_size=2000)
        for kid, post_ids in by_key.items():
            for start in range(0, len(post_ids), 500):
                Post.objects.filter(pk__in=post_ids[start : start + 500]).update(search_key=kid)
    return len(rows)


@receiver(post_save, sender=Post)
def _reindex_saved(sender: Any, instance: Post, update_fields: Iterable[str] | None, **kwargs: Any) -> None:
    if update_fields is not None and not (TEXT_FIELDS & set(update_fields)):
        return
    reindex([instance])


def search(posts: QuerySet[Post], *, group_id: int, query: str) -> QuerySet[Post]:
    """Posts having every word of `query` (stems, or prefixes of 4 to 7 characters)."""
    wanted = keyedsearch.query_terms(query.strip()[:SEARCH_MAX])
    if not wanted:
        return posts
    try:
        keys = [keyedsearch.group_key(group_id, kid)[1] for kid in keyedsearch.search_key_ids()]
    except KeyRingError:  # destroyed by `mutualaid panic`: nothing can be found any more
        return posts.none()
    for alternatives in wanted:
        tokens = sorted({keyedsearch.token(key, term) for key in keys for term in alternatives})
        posts = posts.filter(
            id__in=PostToken.objects.filter(group_id=group_id, token__in=tokens).values("post_id")
        )
    return posts


def key_usage() -> Counter[str]:
    """How many posts' search tokens each key id derives (for `mutualaid keys retire`)."""
    rows = Post.objects.exclude(search_key="").values_list("search_key").annotate(n=Count("id"))
    return Counter(dict(rows))


def retokenise(*, batch_size: int = 500, limit: int | None = None) -> int:
    """Re-tokenise every post whose tokens are not under the primary key (resumable; after a rotation)."""
    primary = keyedsearch.search_key_ids()[0]
    done = 0
    last = 0
    while True:
        batch = list(
            Post.objects.filter(pk__gt=last)
            .exclude(search_key=primary)
            .only("id", "group_id", "title", "details", "search_key")
            .order_by("pk")[:batch_size]
        )
        if not batch:
            return done
        reindex(batch, key_id=primary)
        done += len(batch)
        last = batch[-1].pk
        if limit is not None and done >= limit:
            return done
