"""Search of sealed post texts through keyed tokens (`PostToken`, see `core.keyedsearch`).

Writing: `reindex` replaces a post's tokens whenever its title, details or group change (a `post_save`
receiver for single saves; bulk paths such as the import call it themselves). Reading: `search` narrows
a queryset of posts to those having, for every word typed, one of the word's tokens. The database never
sees a word, only 64-bit digests; nothing is decrypted to filter.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.signals import post_save
from django.dispatch import receiver

from mutualaid.core import keyedsearch
from mutualaid.core.encryption import KeyRingError
from mutualaid.exchange.models import Post, PostToken

SEARCH_MAX = 200
# A word found in more posts than this is "common": tested per post instead of listed (see `search`).
CANDIDATES_MAX = 1000
# Bound of the walk's merged index ranges (`_walk`): in effect none, but it keeps the merge a subquery.
WALK_MAX = 10**9
# Two or more common words in one category (PostgreSQL): posts having them all, fetched by primary key up
# to this many; more, and the posts' own order is walked instead.
INTERSECTION_MAX = 5000
TOKEN_BATCH = 190  # rows per INSERT: 950 parameters, under every SQLite build's limit
TEXT_FIELDS = frozenset({"title", "details", "group", "created_at", "category"})
Row = tuple[int, int, int, datetime, str]


def reindex(posts: Sequence[Post], *, key_id: str | None = None) -> int:
    """Replace the tokens of `posts` (already saved) with tokens under key `key_id` (the primary)."""
    if not posts:
        return 0
    rows = token_rows(posts, key_id=key_id)
    by_key: dict[str, list[int]] = {}
    for post in posts:
        by_key.setdefault(post.search_key, []).append(post.pk)
    ids = [p.pk for p in posts]
    with transaction.atomic():
        for start in range(0, len(ids), 500):
            PostToken.objects.filter(post_id__in=ids[start : start + 500]).delete()
        _insert_tokens(rows)
        for kid, post_ids in by_key.items():
            for start in range(0, len(post_ids), 500):
                Post.objects.filter(pk__in=post_ids[start : start + 500]).update(search_key=kid)
    return len(rows)


def token_rows(
    posts: Iterable[Post],
    *,
    key_id: str | None = None,
    known: dict[tuple[str, int], dict[str, int]] | None = None,
) -> list[Row]:
    """The token rows (group, token, post, created_at, category) of `posts` under key `key_id` (the
    primary), setting each post's `search_key`. `known`: a cache of tokens by term per (key id, group)
    that a bulk caller keeps across batches (a board's vocabulary is small next to its posts)."""
    rows: list[Row] = []
    for post in posts:
        kid, key = keyedsearch.group_key(post.group_id, key_id)
        terms = keyedsearch.index_terms(post.title or "", post.details or "")
        cache = None if known is None else known.setdefault((kid, post.group_id), {})
        rows.extend(
            (post.group_id, t, post.pk, post.created_at, post.category)
            for t in keyedsearch.tokens(key, terms, cache)
        )
        post.search_key = kid
    return rows


def _insert_tokens(rows: list[Row]) -> None:
    """Multi-row INSERTs of (group, token, post, created_at, category) tuples, `TOKEN_BATCH` rows a statement.

    Not `bulk_create`: building a model instance per token cost four fifths of an import's time (a
    10,000-row sheet writes about half a million tokens).
    """
    q = connection.ops.quote_name
    table = q(PostToken._meta.db_table)
    columns = ", ".join(q(c) for c in ("group_id", "token", "post_id", "created_at", "category"))
    field = PostToken._meta.get_field("created_at")
    with connection.cursor() as cursor:
        for start in range(0, len(rows), TOKEN_BATCH):
            chunk = rows[start : start + TOKEN_BATCH]
            values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(chunk))
            params: list[Any] = []
            for group_id, token, post_id, created_at, category in chunk:
                created = field.get_db_prep_value(created_at, connection)
                params.extend((group_id, token, post_id, created, category))
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {values}",  # noqa: S608 - identifiers are ours
                params,
            )


@receiver(post_save, sender=Post)
def _reindex_saved(sender: Any, instance: Post, update_fields: Iterable[str] | None, **kwargs: Any) -> None:
    if update_fields is not None and not (TEXT_FIELDS & set(update_fields)):
        return
    reindex([instance])


def search(
    posts: QuerySet[Post], *, group_id: int, query: str, first: int | None = None, category: str = ""
) -> QuerySet[Post]:
    """Posts having every word of `query` (stems, or prefixes of 4 to 7 characters).

    `category`: `posts` hold only that category's posts; each word's posts are then read from that
    category's range of the token table (index `posttoken_category`), not from the whole group's.

    Rarest word first. One bounded query reads at most `CANDIDATES_MAX` + 1 post ids of each word (a
    range of the token table's primary key, group first). Words with no more ids than that are complete
    lists: their intersection is a short literal list of candidates, fetched by primary key, and nothing
    else of the group is read. Words with more ids are common ("food" in a food bank): they are tested
    per post with an EXISTS probe of the same index, on the candidates; or, when every word is common,
    on the board's own walk in its order, which then meets a page of matches within a few hundred rows
    (one word); or on the rows of the rarest common word's list (two or more common words, which
    together are rare: a walk would pass thousands of rows before a page).
    """
    return apply(
        posts, plan(group_id=group_id, query=query, first=first, category=category), group_id=group_id
    )


@dataclass(frozen=True)
class Step:
    """One narrowing of the posts that `plan` decided on and `apply` carries out.

    ``none``: nothing matches. ``ids``: the posts with these ids (a literal list). ``listed``: the posts
    in one word's posting list (tokens). ``exists``: the posts having one of these tokens, probed per
    post. ``walk``: the first ``first`` posts, in the board's order, having every word (tokens per word)."""

    kind: str
    tokens: tuple[int, ...] = ()
    words: tuple[tuple[int, ...], ...] = ()
    sampled: tuple[tuple[int, ...], ...] = ()  # the words' sampled post ids (``walk_postgresql``)
    first: int = 0
    category: str = ""


def plan(*, group_id: int, query: str, first: int | None = None, category: str = "") -> list[Step]:
    """What `search` does to the posts for `query`: the database is read here only for the words'
    sampled posting lists (and, on PostgreSQL, a category's intersection); see `search`."""
    wanted = keyedsearch.query_terms(query.strip()[:SEARCH_MAX])
    if not wanted:
        return []
    try:
        keys = [keyedsearch.group_key(group_id, kid)[1] for kid in keyedsearch.search_key_ids()]
    except KeyRingError:  # destroyed by `mutualaid panic`: nothing can be found any more
        return [Step("none")]
    per_word = [sorted({keyedsearch.token(key, term) for key in keys for term in alts}) for alts in wanted]
    sampled = _bounded_postings(group_id, per_word, CANDIDATES_MAX + 1, category)
    steps: list[Step] = []
    complete = sorted((ids for ids in sampled if len(ids) <= CANDIDATES_MAX), key=len)
    if complete:
        candidates = set(complete[0]).intersection(*complete[1:])
        if not candidates:
            return [Step("none")]
        steps.append(Step("ids", tuple(sorted(candidates))))
    # Common words, rarest first: the ids sampled from the start of a posting list spread over a wider
    # range of ids the rarer the word is.
    common = sorted(
        ((tokens, ids) for tokens, ids in zip(per_word, sampled, strict=True) if len(ids) > CANDIDATES_MAX),
        key=lambda pair: max(pair[1]) - min(pair[1]),
        reverse=True,
    )
    if not complete and len(common) > 1 and category and connection.vendor == "postgresql":
        # Two or more common words within one category, on PostgreSQL: each word's posts of the category
        # are one range of `posttoken_category`, intersected in one query; the posts are then fetched by
        # primary key. Left to itself, PostgreSQL read every post of the category from the table first
        # (the board's filters) and probed the words per post (bench: "rice beans" · food · es).
        ids = _intersection(group_id, [tokens for tokens, _ids in common], category, INTERSECTION_MAX + 1)
        if len(ids) <= INTERSECTION_MAX:
            return [Step("ids", tuple(ids))] if ids else [Step("none")]
    if not complete and len(common) > 1 and first is not None:
        if connection.vendor == "postgresql":
            return [
                Step(
                    "walk_postgresql",
                    first=first,
                    words=tuple(tuple(tokens) for tokens, _ids in common),
                    sampled=tuple(tuple(ids) for _tokens, ids in common),
                )
            ]
        return [Step("walk", first=first, words=tuple(tuple(tokens) for tokens, _ids in common))]
    if not complete and len(common) > 1:
        # Two or more common words: together they are rare, and a walk in the board's order would pass
        # many rows before a page. The rarest one is read once as a list (one range of the index);
        # the others are probed on the rows it lets through.
        tokens, _ids = common.pop(0)
        steps.append(Step("listed", tuple(tokens), category=category))
    steps.extend(Step("exists", tuple(tokens)) for tokens, _ids in common)
    return steps


def apply(posts: QuerySet[Post], steps: list[Step], *, group_id: int) -> QuerySet[Post]:
    """`posts` narrowed by the steps of `plan`."""
    for step in steps:
        if step.kind == "none":
            return posts.none()
        if step.kind == "ids":
            posts = posts.filter(id__in=list(step.tokens))
        elif step.kind == "walk":
            return posts.filter(id__in=_walk(posts, group_id, [list(w) for w in step.words], step.first))
        elif step.kind == "walk_postgresql":
            common = [(list(t), list(ids)) for t, ids in zip(step.words, step.sampled, strict=True)]
            return posts.filter(id__in=_walk_postgresql(posts, group_id, common, step.first))
        elif step.kind == "listed":
            within = {"category": step.category} if step.category else {}
            posts = posts.filter(
                id__in=PostToken.objects.filter(group_id=group_id, token__in=step.tokens, **within).values(
                    "post_id"
                )
            )
        elif step.kind == "exists":
            posts = posts.filter(
                Exists(
                    PostToken.objects.filter(group_id=group_id, token__in=step.tokens, post_id=OuterRef("pk"))
                )
            )
        else:  # pragma: no cover - plan makes only the kinds above
            raise ValueError(step.kind)
    return posts


def _walk(posts: QuerySet[Post], group_id: int, words: list[list[int]], first: int) -> list[int]:
    """Ids of the first `first` posts, in the board's order, of `posts` having every word's tokens.

    One query. The rarest word is 2 or 3 tokens (English stem, Spanish stem, prefix) that mostly name
    the same posts; each is a range of the index `posttoken_walk` (group, token, created_at, post) in
    the board's order. Every post passed is probed for the other words (`posttoken_post_token`) and for
    `posts`'s own filters (its primary key), until `first` posts pass; only narrow index rows are read
    until a post matches. The first `first` posts of the merged walks are exactly the first of the
    search: a post's rank in one token's walk is never worse than its rank in the whole result.

    SQLite merges the tokens' ranges in order (a compound `UNION` in a subquery with its own ORDER BY,
    read as a co-routine: nothing is sorted, a post named by several tokens comes out once) and probes
    each post once, stopping after `first`. PostgreSQL would sort the whole ranges for that form (it
    plans the subquery to the end), so there each token is walked as its own ordered, limited branch of
    one `UNION ALL` (one round trip), and the repeats are dropped here.
    """
    rarest, *others = words
    q = connection.ops.quote_name
    table = q(PostToken._meta.db_table)
    post_id, created_at, token = q("post_id"), q("created_at"), q("token")
    checks, check_params = [], []
    for tokens in others:
        marks = ", ".join(["%s"] * len(tokens))
        checks.append(
            f"EXISTS (SELECT 1 FROM {table} o WHERE o.{post_id} = u.{post_id} AND o.{token} IN ({marks}))"  # noqa: S608 - identifiers are ours; values are parameters
        )
        check_params.extend(tokens)
    allowed_sql, allowed_params = (
        posts.order_by().filter(pk=RawSQL(f"u.{post_id}", ())).values("pk").query.sql_with_params()  # noqa: S611 - a quoted column name of ours
    )
    checks.append(f"EXISTS ({allowed_sql})")
    check_params.extend(allowed_params)
    where = " AND ".join(checks)
    order = f"ORDER BY {created_at} DESC, {post_id} DESC"
    params: list[Any] = []
    if connection.vendor == "sqlite":
        merged = " UNION ".join(
            f"SELECT {post_id}, {created_at} FROM {table} WHERE {q('group_id')} = %s AND {token} = %s"  # noqa: S608
            for _ in rarest
        )
        params = [*(v for t in rarest for v in (group_id, t)), *check_params]
        # The subquery's own LIMIT keeps SQLite from pushing the checks into each token's range (which
        # would probe a post once per token); its rows come out in order, so the outer LIMIT stops it.
        sql = (
            f"SELECT u.{post_id}, u.{created_at} FROM ({merged} {order} LIMIT {WALK_MAX}) u "  # noqa: S608
            f"WHERE {where} LIMIT {int(first)}"
        )
    else:  # PostgreSQL runs `_walk_postgresql`; this form is kept for the bench's comparison
        sql = " UNION ALL ".join(
            f"(SELECT u.{post_id}, u.{created_at} FROM {table} u WHERE u.{q('group_id')} = %s "  # noqa: S608
            f"AND u.{token} = %s AND {where} ORDER BY u.{created_at} DESC, u.{post_id} DESC LIMIT {int(first)})"
            for _ in rarest
        )
        params = [v for t in rarest for v in (group_id, t, *check_params)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = dict(cursor.fetchall())
    ranked = sorted(found.items(), key=lambda item: (item[1], item[0]), reverse=True)
    return sorted(post_id for post_id, _created in ranked[:first])


def _walk_postgresql(
    posts: QuerySet[Post], group_id: int, common: list[tuple[list[int], list[int]]], first: int
) -> list[int]:
    """`_walk` on PostgreSQL: ids of the first `first` posts, in the board's order, of `posts` having
    every word (`common`: each word's tokens and the ids sampled of it, the word to walk first).

    PostgreSQL 15 cannot merge several ordered index ranges (it sorts them whole), and probing each post
    passed for every other word cost an index descent per token of each word and per post. So the walk
    goes by windows of the board's order, and the words' posting lists are intersected within a window,
    with no probe per post. Each round is one query:
    - the next `n` rows of each of the walked word's 2-3 tokens along `posttoken_walk` (narrow index
      rows), the posts named twice dropped;
    - the window they cover exactly: down to the latest of the last dates of the tokens that gave `n`
      rows (above it every post of the word was read);
    - each other word's posts within that window: one range of `posttoken_walk` per token (group,
      token, created_at from the window's start), hashed and joined;
    - `posts`'s filters on the few posts having every word, and the first of them in the board's order.
    Matches inside the window are final; when they are fewer than a page, the next round reads the
    window below (2 x `n`). `n` is sized from the sampled ids (how many posts of the walked word's
    sample also have the other words, within the range every sample covers) so that one round usually
    gives a page. Reveals nothing more to the database than the walk did: the same tokens are asked for.
    """
    (walked, walked_ids), *rest = common
    others = [tokens for tokens, _ids in rest]
    n = _walk_window(walked_ids, [ids for _tokens, ids in rest], first)
    q = connection.ops.quote_name
    table = q(PostToken._meta.db_table)
    post_id, created_at, token, group = q("post_id"), q("created_at"), q("token"), q("group_id")
    allowed_sql, allowed_params = (
        posts.order_by().filter(pk=RawSQL("w.pid", ())).values("pk").query.sql_with_params()
    )
    found: list[tuple[datetime, int]] = []
    upto: datetime | None = None
    while len(found) < first:
        want = first - len(found)
        window = f" AND c.{created_at} <= %s" if upto else ""
        branches = " UNION ALL ".join(
            f"(SELECT {b} AS b, c.{post_id} AS pid, c.{created_at} AS at FROM {table} c "  # noqa: S608 - identifiers are ours; values are parameters
            f"WHERE c.{group} = %s AND c.{token} = %s{window} "
            f"ORDER BY c.{created_at} DESC, c.{post_id} DESC LIMIT {int(n)})"
            for b in range(len(walked))
        )
        lists = " AND ".join(
            f"w.pid IN (SELECT o.{post_id} FROM {table} o WHERE o.{group} = %s AND o.{token} = ANY(%s::bigint[]) "  # noqa: S608
            f"AND o.{created_at} >= (SELECT at FROM e){' AND o.' + created_at + ' <= %s' if upto else ''})"
            for _ in others
        )
        sql = (
            f"WITH c AS MATERIALIZED ({branches}), "  # noqa: S608
            f"e AS MATERIALIZED (SELECT coalesce(max(m), '-infinity') AS at FROM (SELECT min(at) AS m, "
            f"count(*) AS k FROM c GROUP BY b) s WHERE k >= {int(n)}), "
            "w AS (SELECT DISTINCT pid, at FROM c), "
            f"m AS (SELECT w.pid, w.at FROM w WHERE {lists} AND EXISTS ({allowed_sql}) "
            f"ORDER BY w.at DESC, w.pid DESC LIMIT {int(want)}) "
            "SELECT pid, at FROM m UNION ALL SELECT NULL, nullif(at, '-infinity') FROM e"
        )
        params: list[Any] = []
        for t in walked:
            params.extend([group_id, t, *([upto] if upto else [])])
        for tokens in others:
            params.extend([group_id, tokens, *([upto] if upto else [])])
        params.extend(allowed_params)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        edge = next(at for pid, at in rows if pid is None)
        matches = [(at, pid) for pid, at in rows if pid is not None]
        if edge is None:
            found.extend(matches)  # every token's range read to its end: the matches are all there are
            break
        found.extend(key for key in matches if key[0] > edge)
        upto, n = edge, n * 2
    return sorted(pid for _at, pid in found[:first])


def _walk_window(walked: list[int], others: list[list[int]], first: int) -> int:
    """Rows of each token to read per round of `_walk_postgresql`: enough for `first` matches (x 1.5),
    judged from the sampled ids within the range of post ids that every sample covers."""
    top = min(max(ids) for ids in [walked, *others])
    seen = [i for i in walked if i <= top]
    having = set(seen).intersection(*({i for i in ids if i <= top} for ids in others))
    share = max(len(having), 1) / max(len(seen), 1)
    return max(first * 4, min(int(first / share * 2) + first, 50_000))


def _intersection(group_id: int, per_word: list[list[int]], category: str, bound: int) -> list[int]:
    """Up to `bound` ids of the posts of `category` having, for every word, one of its tokens."""
    q = connection.ops.quote_name
    table = q(PostToken._meta.db_table)
    part = (
        f"SELECT {q('post_id')} FROM {table} WHERE {q('group_id')} = %s AND {q('category')} = %s "  # noqa: S608 - identifiers are ours; values are parameters
        f"AND {q('token')} = ANY(%s::bigint[])"
    )
    params: list[Any] = []
    for tokens in per_word:
        params.extend([group_id, category, tokens])
    with connection.cursor() as cursor:
        intersect = " INTERSECT ".join([part] * len(per_word))
        cursor.execute(f"SELECT * FROM ({intersect}) i LIMIT {int(bound)}", params)  # noqa: S608
        return sorted(row[0] for row in cursor.fetchall())


def _bounded_postings(
    group_id: int, per_word: list[list[int]], bound: int, category: str = ""
) -> list[list[int]]:
    """For each word's tokens, up to `bound` ids of posts (of `category`, when given) having one of them:
    one query for all words."""
    q = connection.ops.quote_name
    table = q(PostToken._meta.db_table)
    parts: list[str] = []
    params: list[int | str] = []
    within = f" AND {q('category')} = %s" if category else ""
    for n, tokens in enumerate(per_word):
        marks = ", ".join(["%s"] * len(tokens))
        parts.append(
            f"SELECT {n} AS w, s{n}.post_id FROM (SELECT {q('post_id')} AS post_id FROM {table} "  # noqa: S608 - identifiers are ours; values are parameters
            f"WHERE {q('group_id')} = %s{within} AND {q('token')} IN ({marks}) LIMIT {int(bound)}) s{n}"
        )
        params.extend([group_id, *([category] if category else []), *tokens])
    found: list[list[int]] = [[] for _ in per_word]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        for word, post_id in cursor.fetchall():
            found[word].append(post_id)
    return found


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
