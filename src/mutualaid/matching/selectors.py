"""Reads about matching, scoped to what the asking member may see.

Coordinators see every proposal of their group. A member sees only the proposals they answer for,
and of the other side only what the board would show them: a coordinators-only post stays hidden
(its title is replaced by its category). Encrypted fields of posts are never loaded here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualaid.exchange.models import Kind, Post, Status, Visibility
from mutualaid.groups.models import Group
from mutualaid.matching.models import DeclinedPair, Proposal, Round
from mutualaid.matching.suggestions import SuggestionIndex
from mutualaid.members.models import User

RECENT_DAYS = 30
SUGGESTIONS_PER_POST = 5
OWN_POSTS_MAX = 20
CANDIDATES_MAX = 2000
KM_PER_DEGREE = 111.32


def _with_posts(rows: QuerySet[Proposal]) -> QuerySet[Proposal]:
    return rows.select_related("need", "offer", "need__author", "offer__author", "decided_by", "claim").defer(
        "need__address", "need__private_note", "offer__address", "offer__private_note"
    )


def latest_round(group: Group) -> Round | None:
    return Round.objects.filter(group=group).select_related("started_by").first()


def proposals_for_coordinator(group: Group) -> list[Proposal]:
    """Proposals waiting for a coordinator (the latest round's) and those waiting for the sides."""
    rows = Proposal.objects.filter(group=group, state__in=Proposal.OPEN_STATES)
    return list(_with_posts(rows).order_by("state", "-score", "id"))


def _answerable_by(user: User) -> Q:
    own_need = Q(need__author=user, need__contact__isnull=True)
    own_offer = Q(offer__author=user, offer__contact__isnull=True)
    held = Q(decided_by=user) & (
        Q(need__contact__isnull=False)
        | Q(offer__contact__isnull=False)
        | Q(need__author__isnull=True)
        | Q(offer__author__isnull=True)
    )
    return own_need | own_offer | held


def proposals_for_member(group: Group, user: User) -> list[Proposal]:
    """Approved proposals the member answers for, and ones closed in the last 30 days."""
    since = timezone.now() - timedelta(days=RECENT_DAYS)
    rows = (
        Proposal.objects.filter(group=group)
        .filter(_answerable_by(user))
        .filter(
            Q(state=Proposal.State.APPROVED)
            | Q(
                state__in=(Proposal.State.MATCHED, Proposal.State.DECLINED, Proposal.State.LAPSED),
                closed_at__gte=since,
            )
        )
    )
    return list(_with_posts(rows).order_by("-state", "-decided_at", "id")[:100])


def proposal_for_responder(group: Group, user: User, proposal_id: int) -> Proposal | None:
    return _with_posts(
        Proposal.objects.filter(group=group, pk=proposal_id).filter(_answerable_by(user))
    ).first()


def shown_title(post: Post, user: User, *, coordinator: bool) -> str | None:
    """The post's title if the member may see it on the board, else None (show the category only)."""
    if coordinator or post.visibility == Visibility.GROUP or post.author_id == user.pk:
        return post.title
    return None


@dataclass
class Suggestion:
    post: Post
    km: float


@dataclass
class OwnPost:
    post: Post
    suggestions: list[Suggestion] = field(default_factory=list)


def _item(post: Post) -> dict[str, Any]:
    item: dict[str, Any] = {"id": str(post.pk), "category": post.category, "lat": post.lat, "lon": post.lon}
    if post.window_start and post.window_end:
        item["window"] = [post.window_start.isoformat(), post.window_end.isoformat()]
    if post.kind == Kind.NEED:
        waited = max(0.0, (timezone.now() - post.created_at).total_seconds() / 86400)
        item.update(quantity=post.quantity, urgency=post.urgency, waiting_days=round(waited, 2))
    else:
        item["capacity"] = post.quantity
        if post.max_km:
            item["max_km"] = post.max_km
    return item


def suggested_for(group: Group, user: User) -> list[OwnPost]:
    """ "Suggested for you": for each of the member's own open posts, up to five open posts of the
    other kind, same category, within reach, that the member can see on the board (whole-group
    posts of others), never a pair already declined. Ranked by the engine's own score.

    Own posts of one kind and category share one query (the union of their reach boxes) and one
    search index, so the page costs a query per category, not per post."""
    own = list(
        Post.objects.filter(
            group=group,
            author=user,
            status=Status.OPEN,
            contact__isnull=True,
            lat__isnull=False,
            lon__isnull=False,
        )
        .defer("address", "private_note")
        .order_by("-created_at", "-id")[:OWN_POSTS_MAX]
    )
    ids = [p.pk for p in own]
    declined = set(
        DeclinedPair.objects.filter(Q(need_id__in=ids) | Q(offer_id__in=ids)).values_list(
            "need_id", "offer_id"
        )
    )
    max_km = 15.0  # the engine's default reach
    entries = {post.pk: OwnPost(post) for post in own}
    by_kind_category: dict[tuple[str, str], list[Post]] = {}
    for post in own:
        by_kind_category.setdefault((post.kind, post.category), []).append(post)
    for (kind, category), posts in by_kind_category.items():
        other_kind = Kind.OFFER if kind == Kind.NEED else Kind.NEED
        boxes = Q()
        for post in posts:
            reach = min(max_km, post.max_km or max_km) if kind == Kind.OFFER else max_km
            dlat = reach / KM_PER_DEGREE
            dlon = dlat / max(0.01, math.cos(math.radians(post.lat or 0.0)))
            lat, lon = post.lat or 0.0, post.lon or 0.0  # never None: filtered non-null above
            boxes |= Q(lat__range=(lat - dlat, lat + dlat), lon__range=(lon - dlon, lon + dlon))
        candidates = list(
            Post.objects.filter(
                boxes,
                group=group,
                kind=other_kind,
                category=category,
                status=Status.OPEN,
                visibility=Visibility.GROUP,
            )
            .exclude(author=user)
            .select_related("author")
            .defer("address", "private_note")
            .order_by("-created_at", "-id")[: CANDIDATES_MAX * len(posts)]
        )
        if not candidates:
            continue
        by_id = {str(c.pk): c for c in candidates}
        items = [_item(c) for c in candidates]
        index = SuggestionIndex([], items) if kind == Kind.NEED else SuggestionIndex(items, [])
        for post in posts:
            # Declined pairs are dropped after ranking: ask for as many more as could be dropped.
            dropped = sum(1 for pair in declined if post.pk in pair)
            k = SUGGESTIONS_PER_POST + dropped
            if kind == Kind.NEED:
                ranked = [(r["offer"], r["km"]) for r in index.suggest_for_need(_item(post), k=k)]
                pairs = [(post.pk, int(i)) for i, _km in ranked]
            else:
                ranked = [(r["need"], r["km"]) for r in index.suggest_for_offer(_item(post), k=k)]
                pairs = [(int(i), post.pk) for i, _km in ranked]
            entries[post.pk].suggestions = [
                Suggestion(by_id[i], km)
                for (i, km), pair in zip(ranked, pairs, strict=True)
                if pair not in declined
            ][:SUGGESTIONS_PER_POST]
    return [entries[post.pk] for post in own]


def status_for_side(proposal: Proposal, sides: list[str]) -> str:
    """The proposal's state as the member answering for `sides` lives it ("you accepted — waiting for
    the other side"), not the coordinators' word for it."""
    answers = {getattr(proposal, f"{side}_answer") for side in sides}
    state = proposal.state
    if state == Proposal.State.APPROVED:
        if Proposal.Answer.PENDING in answers:
            return _("Waiting for your answer")
        return _("You accepted — waiting for the other side")
    if state == Proposal.State.MATCHED:
        return _("Both sides accepted: it is assigned on the board")
    if state == Proposal.State.DECLINED:
        if Proposal.Answer.DECLINED in answers:
            return _("You declined")
        return _("The other side declined")
    if state == Proposal.State.LAPSED:
        return _("Withdrawn: the need or the offer is no longer open")
    return str(proposal.get_state_display())
