"""Reads about needs and offers, always scoped to what the asking member may see.

The board costs a constant number of queries whatever the filters (pinned in tests): one for the page
(fetching one row more than the page to know whether a next page exists, instead of counting 100,000
rows), one for the place when "nearest first" names one.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from contextlib import ExitStack, suppress
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from django.db import router
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from mutualaid.core import rows
from mutualaid.core.encryption import KeyRingError, keyring_pinned
from mutualaid.core.geo import Place
from mutualaid.exchange import search
from mutualaid.exchange.models import Claim, Kind, Message, Post, PostEvent, Status, Visibility
from mutualaid.exchange.services import locate
from mutualaid.groups.models import Group
from mutualaid.members.models import Membership, Role, User

PAGE_SIZE = 20
STALE_CLAIM_DAYS = 3
NEAR_KM = 0.5
MINE_CLAIMS_MAX = 500


@dataclass
class BoardFilters:
    kind: str = ""
    category: str = ""
    urgency: str = ""
    status: str = Status.OPEN
    language: str = ""
    area: str = ""  # nearest first from here
    q: str = ""
    mine: bool = False
    page: int = 1
    unplaced: bool = False  # coordinators: only posts whose area could not be placed


@dataclass
class BoardPage:
    posts: list[Post]
    page: int
    has_next: bool
    place: Place | None = None
    place_unknown: bool = False
    filters: BoardFilters = field(default_factory=BoardFilters)


def visible_posts(group: Group, user: User, membership: Membership) -> QuerySet[Post]:
    posts = Post.objects.filter(group=group)
    if membership.role != Role.COORDINATOR:
        # Coordinators-only posts stay visible to their poster and to whoever was assigned to them.
        assigned = Claim.objects.filter(post=OuterRef("pk"), claimant=user)
        posts = posts.filter(Q(visibility=Visibility.GROUP) | Q(author=user) | Exists(assigned))
    return posts


# What a board card shows (exchange/_board_card.html) and what "nearest first" sorts by: the page loads
# only these for the browser board. Every column left out is work saved per row: the sealed details are
# not decrypted, the author is not joined (bench/RESULTS-throughput.md).
CARD_FIELDS = (
    "id",
    "group_id",
    "kind",
    "category",
    "title",
    "quantity",
    "unit",
    "urgency",
    "status",
    "area",
    "area_unplaced",
    "lat",
    "lon",
    "languages",
    "created_at",
)


def board(
    *, group: Group, user: User, membership: Membership, filters: BoardFilters, cards: bool = False
) -> BoardPage:
    """One page of the board. ``cards``: only what a card shows (CARD_FIELDS) instead of whole posts
    with their author.

    The key ring is looked at once for the page instead of once per sealed value (a page's twenty titles
    come from one statement anyway); a `mutualaid panic` takes effect at the next page. With the ring
    destroyed, sealed values read as they do everywhere else (nothing is pinned)."""
    with ExitStack() as stack:
        with suppress(KeyRingError):
            stack.enter_context(keyring_pinned())
        return _board(group=group, user=user, membership=membership, filters=filters, cards=cards)


def _board(
    *, group: Group, user: User, membership: Membership, filters: BoardFilters, cards: bool
) -> BoardPage:
    if _is_plain(filters):
        page = max(1, min(filters.page, 1000))
        start = (page - 1) * PAGE_SIZE
        if cards:
            prepared = _plain_board_rows(group, user, membership, start)
        else:
            prepared = _searched_board_rows(group, user, membership, start, [], cards=False)
        if prepared is not None:
            return BoardPage(prepared[:PAGE_SIZE], page, len(prepared) > PAGE_SIZE, None, False, filters)
    page = max(1, min(filters.page, 1000))
    start = (page - 1) * PAGE_SIZE
    # In the board's order only the rows up to this page's end matter, so several common words can be
    # walked in that order (exchange.search._walk). Not when nearest first, and not when the board's
    # own filters narrow the posts: the walk then passes that many times more rows before a page, and
    # reading the rarest word's list is cheaper (bench/RESULTS-exchange.md, "rice beans" · food · es).
    narrowed = filters.kind or filters.category or filters.urgency or filters.language or filters.unplaced
    first = None if filters.area.strip() or narrowed else start + PAGE_SIZE + 1
    # Keyed tokens of the sealed texts: the database compares digests, nothing is decrypted to filter.
    # With a category filter only that category's tokens are read (`posts` are of that category).
    steps = search.plan(group_id=group.pk, query=filters.q, first=first, category=filters.category)
    if steps and _is_plain(replace(filters, q="")):  # before any queryset is built: none is needed
        prepared = _searched_board_rows(group, user, membership, start, steps, cards=cards)
        if prepared is not None:
            return BoardPage(prepared[:PAGE_SIZE], page, len(prepared) > PAGE_SIZE, None, False, filters)
    if filters.mine:
        # One's own posts and live claims are always visible. A top-level OR lets the database use the
        # author index and the claims instead of walking the whole group.
        # The live claims are fetched first (a handful): with a literal list, both databases combine the
        # author index and the primary key instead of walking the whole group.
        claimed = list(
            Claim.objects.filter(claimant=user, state__in=Claim.LIVE, post__group=group).values_list(
                "post_id", flat=True
            )[:MINE_CLAIMS_MAX]
        )
        posts = Post.objects.filter(Q(author=user, group=group) | Q(id__in=claimed, group=group))
    else:
        posts = visible_posts(group, user, membership)
    if filters.status:
        posts = posts.filter(status=filters.status)
    elif not filters.mine:
        posts = posts.filter(status__in=(Status.OPEN, Status.CLAIMED, Status.IN_PROGRESS))
    if filters.kind:
        posts = posts.filter(kind=filters.kind)
    if filters.category:
        posts = posts.filter(category=filters.category)
    if filters.urgency:
        posts = posts.filter(urgency=filters.urgency)
    if filters.unplaced and membership.role == Role.COORDINATOR:
        posts = posts.filter(area_unplaced=True)
    if filters.language:
        posts = posts.filter(languages__icontains=f'"{filters.language}"')
    posts = search.apply(posts, steps, group_id=group.pk)
    place = None
    place_unknown = False
    rows: list[Post]
    if filters.area.strip():
        location = locate(group, filters.area)
        place_unknown = location.lat is None
        if location.lat is not None and location.lon is not None:
            place = Place(location.lat, location.lon, location.area)
    if place is not None:
        # Squared equirectangular distance: the same order as great-circle distance at a city's scale.
        # The inner query sorts ids over the covering index `post_place`; the outer one fetches one page.
        k = math.cos(math.radians(place.lat))
        # Products, not POWER(): SQLite's POWER is a Python callback per row.
        dlat, dlon = F("lat") - place.lat, (F("lon") - place.lon) * k
        nearest = posts.alias(distance=dlat * dlat + dlon * dlon)
        wanted = start + PAGE_SIZE + 1
        # First only the disc around the place (a range scan of the covering index `post_place`); when
        # it holds a whole page, those are exactly the nearest. Otherwise sort the whole group.
        r = NEAR_KM / 111.32
        disc = nearest.filter(
            lat__range=(place.lat - r, place.lat + r),
            lon__range=(place.lon - r / k, place.lon + r / k),
            distance__lte=r * r,
        )
        rows = []
        for candidates in (disc, nearest):
            ordered = candidates.order_by(F("distance").asc(nulls_last=True), "-created_at", "-id")
            rows = list(_page_rows(Post.objects.filter(id__in=ordered.values("id")[start:wanted]), cards))
            if len(rows) == wanted:
                break

        def key(p: Post) -> tuple[bool, float, float, int]:
            far = p.lat is None or p.lon is None
            d = 0.0 if far else (p.lat - place.lat) ** 2 + ((p.lon - place.lon) * k) ** 2  # type: ignore[operator]
            return (far, d, -p.created_at.timestamp(), -p.pk)

        rows.sort(key=key)
    else:
        rows = list(_page_rows(posts.order_by("-created_at", "-id"), cards)[start : start + PAGE_SIZE + 1])
    return BoardPage(rows[:PAGE_SIZE], page, len(rows) > PAGE_SIZE, place, place_unknown, filters)


def _is_plain(filters: BoardFilters) -> bool:
    """The board as most members open it: every live post, newest first, nothing filtered."""
    return not (
        filters.mine
        or filters.status
        or filters.kind
        or filters.category
        or filters.urgency
        or filters.language
        or filters.area.strip()
        or filters.q.strip()
        or filters.unplaced
    )


def _plain_query(group: Group, user: User, membership: Membership, start: int) -> QuerySet[Post]:
    """The plain board's page, built the same way as in `board` (the scoping of `visible_posts`)."""
    posts = visible_posts(group, user, membership).filter(
        status__in=(Status.OPEN, Status.CLAIMED, Status.IN_PROGRESS)
    )
    return _page_rows(posts.order_by("-created_at", "-id"), True)[start : start + PAGE_SIZE + 1]


def _plain_params(group: Group, user: User, coordinator: bool) -> list[Any]:
    """The plain board query's parameters, in the order the compiled SQL takes them."""
    statuses = [Status.OPEN, Status.CLAIMED, Status.IN_PROGRESS]
    if coordinator:
        return [group.pk, *statuses]
    return [group.pk, Visibility.GROUP, user.pk, 1, user.pk, *statuses]


# The plain board's SQL per (database, coordinator or not, first row): Django takes about 1.2 ms of CPU
# to build and compile the same query on every view (bench/RESULTS-throughput.md). Compiled once from the
# queryset itself, so the scoping stays `visible_posts`'s: with stand-in ids that cannot be confused with
# the other parameters, and kept only when the compiled parameters are exactly `_plain_params` (else the
# board goes through the ORM on every view).
_PLAIN_SQL: dict[tuple[str, bool, int], str] = {}
_PLAIN_SQL_MAX = 256
_STAND_IN_GROUP, _STAND_IN_USER = -7_000_001, -7_000_002


def _plain_board_rows(group: Group, user: User, membership: Membership, start: int) -> list[Post] | None:
    coordinator = membership.role == Role.COORDINATOR
    key = (router.db_for_read(Post), coordinator, start)
    sql = _PLAIN_SQL.get(key)
    if sql is None:
        stand_in_group, stand_in_user = Group(pk=_STAND_IN_GROUP), User(pk=_STAND_IN_USER)
        query = _plain_query(stand_in_group, stand_in_user, membership, start)
        sql, params = query.query.get_compiler(key[0]).as_sql()
        expected = _plain_params(stand_in_group, stand_in_user, coordinator)
        if [str(p) for p in params] != [str(p) for p in expected]:
            return None
        if len(_PLAIN_SQL) >= _PLAIN_SQL_MAX:
            _PLAIN_SQL.clear()
        _PLAIN_SQL[key] = sql
    return list(Post.objects.db_manager(key[0]).raw(sql, _plain_params(group, user, coordinator)))


# The searched board (a search and nothing else) per (database, coordinator or not, first row, shape of the
# search's steps): compiled once from the same querysets (`visible_posts`, `search.apply`) with stand-in
# values, every value a parameter of the SQL (bench/RESULTS-throughput.md).
_SEARCH_SQL: dict[tuple[Any, ...], tuple[str, list[tuple[bool, Any]]]] = {}
_STAND_IN = -7_100_001
_UNUSED = _STAND_IN + 1  # stands in for a value the query must not depend on: never in its parameters
_SEARCH_STEPS = frozenset({"ids", "listed", "exists"})
_NOT_LISTED = ("address", "private_note")  # sealed fields a list of whole posts does not show


def _searched_board_rows(
    group: Group,
    user: User,
    membership: Membership,
    start: int,
    steps: list[search.Step],
    *,
    cards: bool = True,
) -> list[Post] | None:
    """The board page for a search alone (no steps: the plain board), or None when its steps are of a kind
    not prepared here. Not ``cards``: whole posts as `_page_rows` gives them, their authors read in one
    more written-out query (a raw query cannot select related rows)."""
    if not all(step.kind in _SEARCH_STEPS for step in steps):
        return None
    shape = tuple((step.kind, len(step.tokens), step.category) for step in steps)
    coordinator = membership.role == Role.COORDINATOR
    # A coordinator's board does not depend on who they are (every value must come out as a parameter).
    ids = [group.pk] if coordinator else [group.pk, user.pk]
    values: list[Any] = [*ids, *(token for step in steps for token in step.tokens)]

    def build(stand_ins: list[int]) -> QuerySet[Post]:
        stand_in_group = Group(pk=stand_ins[0])
        stand_in_user = User(pk=_UNUSED) if coordinator else User(pk=stand_ins[1])
        rest = iter(stand_ins[len(ids) :])
        stand_in_steps = [replace(step, tokens=tuple(next(rest) for _ in step.tokens)) for step in steps]
        posts = visible_posts(stand_in_group, stand_in_user, membership).filter(
            status__in=(Status.OPEN, Status.CLAIMED, Status.IN_PROGRESS)
        )
        posts = search.apply(posts, stand_in_steps, group_id=stand_in_group.pk).order_by("-created_at", "-id")
        if not cards:
            return posts.defer(*_NOT_LISTED)[start : start + PAGE_SIZE + 1]
        return _page_rows(posts, True)[start : start + PAGE_SIZE + 1]

    key = (coordinator, start, shape, cards)
    found = _prepared(_SEARCH_SQL, key, build, values)
    if found is not None and not cards:
        _attach_authors(found)
    return found


def _attach_authors(posts: list[Post]) -> None:
    ids = sorted({p.author_id for p in posts if p.author_id is not None})
    marks = ", ".join(["%s"] * len(ids))
    authors = (
        {
            u.pk: u
            for (u,) in rows.many([(User, "u")], f"FROM {rows.table(User, 'u')} WHERE u.id IN ({marks})", ids)
        }
        if ids
        else {}
    )
    for post in posts:
        if post.author_id is not None and post.author_id in authors:
            post.author = authors[post.author_id]


def _prepared(
    cache: dict[tuple[Any, ...], tuple[str, list[tuple[bool, Any]]]],
    key: tuple[Any, ...],
    build: Callable[[list[int]], QuerySet[Post]],
    values: list[Any],
) -> list[Post] | None:
    """Rows of the queryset `build` makes from `values`, its SQL compiled once per `key`: built with
    stand-ins (`_STAND_IN`, `_STAND_IN` - 1, ...) in place of the values, each stand-in found among the
    compiled parameters is the value's place. None (the caller then uses the ORM) when a value did not
    come out as a parameter of its own."""
    db = router.db_for_read(Post)
    entry = cache.get((db, *key))
    if entry is None:
        stand_ins = [_STAND_IN - n for n in range(len(values))]
        low = _STAND_IN - len(values)
        sql, params = build(stand_ins).query.get_compiler(db).as_sql()
        template = [
            (True, _STAND_IN - p) if type(p) is int and low < p <= _STAND_IN else (False, p) for p in params
        ]
        if (
            {n for is_value, n in template if is_value} != set(range(len(values)))
            or _UNUSED in params
            or any(str(n) in sql for n in [*stand_ins, _UNUSED])
        ):
            return None
        if len(cache) >= _PLAIN_SQL_MAX:
            cache.clear()
        entry = cache[(db, *key)] = (sql, template)
    sql, template = entry
    return list(
        Post.objects.db_manager(db).raw(sql, [values[x] if is_value else x for is_value, x in template])
    )


def _page_rows(posts: QuerySet[Post], cards: bool = False) -> QuerySet[Post]:
    if cards:
        return posts.only(*CARD_FIELDS)
    # Encrypted fields are not shown on the board: not even decrypted.
    return posts.select_related("author").defer(*_NOT_LISTED)


def history_for(post: Post, user: User, *, coordinator: bool) -> list[PostEvent]:
    """A post's transitions, for its participants (poster, claimants) and coordinators only.

    Who claimed what is the social graph of the network (THREATS.md): other members see none of it.
    """
    if not (
        coordinator
        or post.author_id == user.pk
        or rows.exists(Claim, {"post_id": post.pk, "claimant_id": user.pk})
    ):
        return []
    return list(PostEvent.objects.filter(post=post).select_related("actor"))


def claims_of(post: Post) -> list[Claim]:
    return list(Claim.objects.filter(post=post).select_related("claimant").order_by("-created_at"))


def live_claim(post: Post) -> Claim | None:
    """The post's live claim (pending or accepted) with its claimant. On every post page: written out
    (`core.rows`; the ORM took about 0.5 ms of CPU to build the join)."""
    marks = ", ".join(["%s"] * len(Claim.LIVE))
    found = rows.one_row(
        [(Claim, "c"), (User, "u")],
        f"FROM {rows.table(Claim, 'c')} JOIN {rows.table(User, 'u')} ON u.id = c.claimant_id "
        f"WHERE c.post_id = %s AND c.state IN ({marks}) ORDER BY c.id LIMIT 1",
        [post.pk, *(str(state) for state in Claim.LIVE)],
    )
    if found is None:
        return None
    claim, claim.claimant = found
    return claim  # type: ignore[no-any-return]


def messages_of(claim: Claim) -> list[Message]:
    return list(Message.objects.filter(claim=claim).select_related("author"))


@dataclass
class Triage:
    oldest_unmet: list[Post]
    stale_claims: list[Post]
    nobody_offers: list[Post]


def triage(*, group: Group, limit: int = 50) -> Triage:
    """For coordinators: oldest open needs, claims nobody moved for days, needs no open offer covers."""
    needs = Post.objects.filter(group=group, kind=Kind.NEED)
    stale_before = timezone.now() - timedelta(days=STALE_CLAIM_DAYS)
    offers = Post.objects.filter(
        group=group, kind=Kind.OFFER, status=Status.OPEN, category=OuterRef("category")
    )
    return Triage(
        oldest_unmet=list(needs.filter(status=Status.OPEN).order_by("created_at", "id")[:limit]),
        stale_claims=list(
            Post.objects.filter(
                group=group, status__in=(Status.CLAIMED, Status.IN_PROGRESS), updated_at__lt=stale_before
            ).order_by("updated_at")[:limit]
        ),
        nobody_offers=list(
            needs.filter(status=Status.OPEN).filter(~Exists(offers)).order_by("created_at", "id")[:limit]
        ),
    )


def group_members(group: Group) -> list[Membership]:
    return list(Membership.objects.filter(group=group).select_related("user").order_by("user__display_name"))


def matching_instance(*, group: Group, now: datetime | None = None) -> dict[str, Any]:
    """The group's open needs and offers in the matching engine's instance format (docs/matching-instance.md).

    Only coarse cell centres leave this function; posts without a location cannot be matched by
    distance and are left out. Coordinators-only posts are included: the engine's answer goes to them.
    """
    now = now or timezone.now()
    needs, offers = [], []
    posts = (
        Post.objects.filter(group=group, status=Status.OPEN, lat__isnull=False, lon__isnull=False)
        .only(
            "id",
            "kind",
            "category",
            "lat",
            "lon",
            "quantity",
            "urgency",
            "created_at",
            "window_start",
            "window_end",
            "max_km",
            "languages",
        )
        .order_by("id")
    )
    for post in posts.iterator(chunk_size=2000):
        item: dict[str, Any] = {
            "category": post.category,
            "lat": post.lat,
            "lon": post.lon,
            "languages": post.languages,
        }
        if post.window_start and post.window_end:
            item["window"] = [post.window_start.isoformat(), post.window_end.isoformat()]
        if post.kind == Kind.NEED:
            waited = max(0.0, (now - post.created_at).total_seconds() / 86400)
            needs.append(
                {
                    "id": f"n{post.pk}",
                    **item,
                    "quantity": post.quantity,
                    "urgency": post.urgency,
                    "waiting_days": round(waited, 2),
                }
            )
        else:
            offer = {"id": f"o{post.pk}", **item, "capacity": post.quantity}
            if post.max_km:
                offer["max_km"] = post.max_km
            offers.append(offer)
    return {"needs": needs, "offers": offers}
