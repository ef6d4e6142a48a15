"""Writes about matching: running a round, the coordinator's bulk decision, each side's answer.

Privacy: the engine's instance comes from `exchange.selectors.matching_instance`, which reads only
coarse cell centres (never `address` or notes). Proposals store the distance between those centres.

Concurrency: a round locks its group's `MatchingSettings` row while it writes, so two coordinators
running rounds at once produce one set of open proposals, not two. Decisions and answers lock the
proposal rows they change.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualaid.core.notify import notify
from mutualaid.core.speaking import speaking
from mutualaid.exchange import selectors as exchange_selectors
from mutualaid.exchange import services as exchange_services
from mutualaid.exchange.models import Post, Status, Visibility
from mutualaid.groups.models import Group
from mutualaid.matching import engine
from mutualaid.matching.models import DeclinedPair, MatchingSettings, Proposal, Round, Schedule
from mutualaid.matching.units import pairing_key
from mutualaid.members.models import User

# What reserves units of a post against later rounds: proposals waiting for answers (both sides),
# and matched ones on the offer side (a matched need is assigned on the board and no longer open).
RESERVING = (Proposal.State.APPROVED,)


def _require_coordinator(user: User, group: Group) -> None:
    if not exchange_services.acts_as_coordinator(user, group.pk):
        raise PermissionDenied(_("Only coordinators can do that."))


def settings_for(group: Group) -> MatchingSettings:
    return MatchingSettings.objects.filter(group=group).first() or MatchingSettings(group=group)


@transaction.atomic
def settings_update(*, group: Group, actor: User, schedule: str) -> MatchingSettings:
    """Turn daily matching rounds on or off for a group (coordinators)."""
    _require_coordinator(actor, group)
    if schedule not in Schedule.values:
        raise ValidationError({"schedule": _("Choose when rounds run.")})
    found, _created = MatchingSettings.objects.update_or_create(
        group=group, defaults={"schedule": schedule, "updated_at": timezone.now()}
    )
    return found


def _reserved(group: Group) -> tuple[dict[int, int], dict[int, int]]:
    """Units of each need and offer already promised by proposals that are still in play."""
    rows = Proposal.objects.filter(group=group)
    needs = dict(
        rows.filter(state__in=RESERVING)
        .values("need_id")
        .annotate(u=Sum("units"))
        .values_list("need_id", "u")
    )
    offers = dict(
        rows.filter(Q(state__in=RESERVING) | Q(state=Proposal.State.MATCHED, offer__status=Status.OPEN))
        .values("offer_id")
        .annotate(u=Sum("units"))
        .values_list("offer_id", "u")
    )
    return needs, offers


def round_instance(
    *, group: Group, now: datetime | None = None
) -> tuple[dict[str, Any], set[tuple[str, str]]]:
    """The engine's instance for a group's open needs and offers, and the pairs it must not propose.

    Items are the coarse-only items of `exchange.selectors.matching_instance`, less the units already
    promised. Posts held for a contact (a neighbour without an account, a hub's restock need) take
    part like any other; a coordinator answers for them (`responder_id`). Excluded: declined or
    rejected pairs, pairs already waiting for answers, and pairs whose two posts have the same author
    (the board cannot assign a post to its own poster).
    """
    obj = exchange_selectors.matching_instance(group=group, now=now)
    need_reserved, offer_reserved = _reserved(group)
    open_posts = Post.objects.filter(group=group, status=Status.OPEN)
    authors = dict(open_posts.filter(author__isnull=False).values_list("pk", "author_id"))
    open_ids = set(
        open_posts.filter(Q(author__isnull=False) | Q(contact__isnull=False)).values_list("pk", flat=True)
    )
    # Units that do not convert are never paired: the unit family joins the category the engine splits by.
    # (Units are sealed: "" is stored as "", so the filter is on the clear empty value, decrypted after.)
    units = {pk: unit for pk, unit in open_posts.exclude(unit="").values_list("pk", "unit") if unit}
    needs, offers = [], []
    for item in obj["needs"]:
        pk = int(item["id"][1:])
        left = item["quantity"] - need_reserved.get(pk, 0)
        if pk in open_ids and left > 0:
            needs.append(
                {**item, "quantity": left, "category": pairing_key(item["category"], units.get(pk, ""))}
            )
    for item in obj["offers"]:
        pk = int(item["id"][1:])
        left = item["capacity"] - offer_reserved.get(pk, 0)
        if pk in open_ids and left > 0:
            offers.append(
                {**item, "capacity": left, "category": pairing_key(item["category"], units.get(pk, ""))}
            )
    excluded: set[tuple[str, str]] = set()
    by_author: dict[tuple[int, str], list[str]] = defaultdict(list)
    for item in offers:
        author = authors.get(int(item["id"][1:]))
        if author is not None:
            by_author[(author, item["category"])].append(item["id"])
    for item in needs:
        author = authors.get(int(item["id"][1:]))
        for offer_id in by_author.get((author, item["category"]), ()) if author is not None else ():
            excluded.add((item["id"], offer_id))
    declined = DeclinedPair.objects.filter(need__group=group, need__status=Status.OPEN).values_list(
        "need_id", "offer_id"
    )
    waiting = Proposal.objects.filter(group=group, state__in=RESERVING).values_list("need_id", "offer_id")
    excluded.update((f"n{n}", f"o{o}") for n, o in [*declined, *waiting])
    return {"needs": needs, "offers": offers}, excluded


def _reasons(need: Mapping[str, Any], km: float) -> dict[str, Any]:
    return {
        "km": round(km, 2),
        "urgency": need.get("urgency", "flexible"),
        "waiting_days": int(float(need.get("waiting_days", 0))),
    }


def round_run(
    *,
    group: Group,
    started_by: User | None,
    now: datetime | None = None,
    the_round: Round | None = None,
) -> Round:
    """Run the engine over the group's open needs and offers and store its proposals.

    `started_by` is the coordinator (None for the daily schedule). `the_round` is a queued round the
    worker is running (see `round_run_queued`); without it a new round row is written when done.
    Proposals of earlier rounds that no coordinator decided on are superseded. The engine runs with
    one worker: forking a threaded server is unsafe.
    """
    if started_by is not None:
        _require_coordinator(started_by, group)
    now = now or timezone.now()
    proposals_withdraw_closed(group=group, now=now)
    obj, excluded = round_instance(group=group, now=now)
    needs_by_id = {item["id"]: item for item in obj["needs"]}
    try:
        out = engine.solve(engine.parse_instance(obj, exclude_pairs=excluded), workers=1)
    except engine.InvalidInstance as exc:  # the message names item ids only, never personal data
        with transaction.atomic():
            if the_round is not None:
                _round_finish(the_round, status=Round.Status.FAILED, stats={"error": str(exc)})
                return the_round
            return Round.objects.create(
                group=group,
                started_by=started_by,
                started_at=now,
                finished_at=timezone.now(),
                status=Round.Status.FAILED,
                stats={"error": str(exc)},
            )
    with transaction.atomic():
        MatchingSettings.objects.get_or_create(group=group)
        MatchingSettings.objects.select_for_update().get(group=group)
        if (
            the_round is not None
            and not Round.objects.filter(pk=the_round.pk, status=Round.Status.RUNNING).exists()
        ):
            return the_round  # given up on meanwhile (see ROUND_STALE): its proposals would be stale
        Proposal.objects.filter(group=group, state=Proposal.State.PROPOSED).update(
            state=Proposal.State.SUPERSEDED, closed_at=now
        )
        stats = {
            **out["stats"],
            "needs": len(obj["needs"]),
            "offers": len(obj["offers"]),
            "matched_units": out["matched_units"],
            "proposals": len(out["assignments"]),
        }
        params = dataclasses.asdict(engine.Params())
        if the_round is not None:
            the_round.params = params
            _round_finish(the_round, status=Round.Status.DONE, stats=stats)
        else:
            the_round = Round.objects.create(
                group=group,
                started_by=started_by,
                started_at=now,
                finished_at=timezone.now(),
                params=params,
                stats=stats,
            )
        Proposal.objects.bulk_create(
            [
                Proposal(
                    round=the_round,
                    group=group,
                    need_id=int(row["need"][1:]),
                    offer_id=int(row["offer"][1:]),
                    units=row["units"],
                    km=row["km"],
                    score=row["score"],
                    reasons=_reasons(needs_by_id[row["need"]], row["km"]),
                )
                for row in out["assignments"]
            ]
        )
        if started_by is None and out["assignments"]:
            done = the_round
            transaction.on_commit(lambda: _tell_coordinators(done))
    return the_round


def _round_finish(the_round: Round, *, status: str, stats: dict[str, Any]) -> None:
    the_round.status = status
    the_round.stats = stats
    the_round.finished_at = timezone.now()
    the_round.save(update_fields=["status", "stats", "params", "finished_at"])


# A round queued or running this long is taken for lost (its worker died) and no longer blocks a new one.
ROUND_STALE = timedelta(hours=2)


def round_request(*, group: Group, started_by: User, now: datetime | None = None) -> tuple[Round, bool]:
    """Queue a coordinator's round for the worker (the engine takes minutes on large groups, far longer
    than a web request may). One round at a time per group: returns `(round, True)` for a newly queued
    round, or `(the round already queued or running, False)`."""
    _require_coordinator(started_by, group)
    return _round_queue(group=group, started_by=started_by, now=now or timezone.now())


def _round_queue(*, group: Group, started_by: User | None, now: datetime) -> tuple[Round, bool]:
    """Queue a round (a coordinator's, or the daily schedule's with `started_by` None), unless one is
    already queued or running for the group. The group's `MatchingSettings` row is locked while deciding,
    and a partial unique constraint backs it, so two clicks at once, or a click during the daily round,
    make one round. The job is queued in the same transaction (the database queue), so a round is never
    queued without its job."""
    from mutualaid.matching import tasks  # tasks imports this module

    with transaction.atomic():
        MatchingSettings.objects.get_or_create(group=group)
        MatchingSettings.objects.select_for_update().get(group=group)
        active = Round.objects.filter(group=group, status__in=Round.ACTIVE).first()
        if active is not None and active.started_at < now - ROUND_STALE:
            _round_finish(active, status=Round.Status.FAILED, stats={"error": "timed out"})
            active = None
        if active is not None:
            return active, False
        try:
            with transaction.atomic():
                the_round = Round.objects.create(
                    group=group, started_by=started_by, started_at=now, status=Round.Status.QUEUED
                )
        except IntegrityError:  # the constraint is the backstop behind the lock
            return Round.objects.get(group=group, status__in=Round.ACTIVE), False
        tasks.run_round.enqueue(the_round.pk)
    return the_round, True


def round_run_queued(*, round_id: int) -> str:
    """The worker's side of `round_request`: mark the round running, run it, and record how it ended.
    Any error marks it failed (only the error's type is kept: messages can quote data) and is
    re-raised so operators see it. Returns the round's final status."""
    with transaction.atomic():
        # Only the round's own row is locked (`started_by` is nullable: PostgreSQL refuses FOR UPDATE there).
        the_round = (
            Round.objects.select_for_update(of=("self",))
            .select_related("group", "started_by")
            .filter(pk=round_id, status=Round.Status.QUEUED)
            .first()
        )
        if the_round is None:
            return "skipped"
        the_round.status = Round.Status.RUNNING
        the_round.save(update_fields=["status"])
    try:
        round_run(group=the_round.group, started_by=the_round.started_by, the_round=the_round)
    except Exception as exc:
        Round.objects.filter(pk=round_id, status__in=Round.ACTIVE).update(
            status=Round.Status.FAILED, stats={"error": type(exc).__name__}, finished_at=timezone.now()
        )
        raise
    return str(Round.objects.values_list("status", flat=True).get(pk=round_id))


@transaction.atomic
def proposals_withdraw_closed(*, group: Group | None = None, now: datetime | None = None) -> int:
    """Withdraw proposals still waiting (for a coordinator or for the sides) whose need or offer is no
    longer open: nobody should be asked to accept a match for something already done or withdrawn.
    Runs before every round and daily for every group. Returns how many were withdrawn."""
    now = now or timezone.now()
    waiting = Proposal.objects.filter(state__in=(Proposal.State.PROPOSED, Proposal.State.APPROVED)).exclude(
        need__status=Status.OPEN, offer__status=Status.OPEN
    )
    if group is not None:
        waiting = waiting.filter(group=group)
    return waiting.update(state=Proposal.State.LAPSED, closed_at=now)


def _tell_coordinators(the_round: Round) -> int:
    """A scheduled round has proposals: tell the group's coordinators (only a count and a link, as
    notices travel by e-mail or SMS). A coordinator who runs a round sees its proposals at once."""
    from django.utils.translation import ngettext

    from mutualaid.members.models import Membership, Role

    group = the_round.group
    count = the_round.stats.get("proposals", 0)
    url = reverse("matching_rounds", kwargs={"slug": group.slug})
    told = 0
    for membership in Membership.objects.filter(group=group, role=Role.COORDINATOR).select_related("user"):
        with speaking(membership.user.language):
            title = ngettext("%(count)d matching proposal", "%(count)d matching proposals", count) % {
                "count": count
            }
        notify(
            user=membership.user, kind="approval", context={"group": group.name, "title": title, "url": url}
        )
        told += 1
    return told


def responder_id(proposal: Proposal, side: str) -> int | None:
    """Who answers for one side: the post's author, or for a neighbour without an account (or a post
    whose author left), the coordinator who approved the proposal."""
    post = proposal.need if side == "need" else proposal.offer
    if post.contact_id is not None or post.author_id is None:
        return proposal.decided_by_id
    return post.author_id


def _still_open(proposal: Proposal) -> bool:
    return proposal.need.status == Status.OPEN and proposal.offer.status == Status.OPEN


def _tell_sides(proposal: Proposal) -> None:
    url = reverse("matching_mine", kwargs={"slug": proposal.group.slug})
    for side, other in (("need", proposal.offer), ("offer", proposal.need)):
        user_id = responder_id(proposal, side)
        user = User.objects.filter(pk=user_id).first() if user_id else None
        if user is None:
            continue
        own = proposal.need if side == "need" else proposal.offer
        title = (
            other.title if other.visibility == Visibility.GROUP or other.author_id == user.pk else own.title
        )
        notify(user=user, kind="match", context={"group": proposal.group.name, "title": title, "url": url})


def _decline_pair(proposal: Proposal) -> None:
    DeclinedPair.objects.get_or_create(need_id=proposal.need_id, offer_id=proposal.offer_id)


@transaction.atomic
def proposals_decide(
    *,
    group: Group,
    actor: User,
    approve_ids: Iterable[int] = (),
    reject_ids: Iterable[int] = (),
    edits: Mapping[int, int] | None = None,
) -> dict[str, int]:
    """A coordinator approves, rejects and edits (fewer units) proposals in bulk.

    `edits` maps proposal id → units, only for proposals being approved, from 1 to the proposed units
    (the engine's units respect every capacity, fewer units still do). Approved proposals go to both
    sides; rejected pairs are never proposed again. All or nothing: one bad id changes nothing.
    Returns {"approved": n, "rejected": n, "lapsed": n} (lapsed: a post is no longer open).
    """
    _require_coordinator(actor, group)
    approve, reject, edits = set(approve_ids), set(reject_ids), dict(edits or {})
    if approve & reject:
        raise ValidationError({"reject_ids": _("A proposal cannot be both approved and rejected.")})
    if set(edits) - approve:
        raise ValidationError({"edits": _("Only proposals being approved can have their units changed.")})
    rows = {
        p.pk: p for p in Proposal.objects.select_for_update().filter(group=group, pk__in=approve | reject)
    }
    for pk in sorted(approve | reject):
        if pk not in rows or rows[pk].state != Proposal.State.PROPOSED:
            raise ValidationError(
                {"approve_ids": _("Proposal %(id)d is not waiting for a decision.") % {"id": pk}}
            )
    for pk, units in edits.items():
        if isinstance(units, bool) or not isinstance(units, int) or not 1 <= units <= rows[pk].units:
            raise ValidationError(
                {
                    "edits": _("Proposal %(id)d can have from 1 to %(max)d units.")
                    % {"id": pk, "max": rows[pk].units}
                }
            )
    now = timezone.now()
    counts = {"approved": 0, "rejected": 0, "lapsed": 0}
    posts = Post.objects.select_related("group").in_bulk(
        {p.need_id for p in rows.values()} | {p.offer_id for p in rows.values()}
    )
    for pk in sorted(approve | reject):
        proposal = rows[pk]
        proposal.need, proposal.offer = posts[proposal.need_id], posts[proposal.offer_id]
        proposal.decided_by, proposal.decided_at = actor, now
        if pk in reject:
            proposal.state, proposal.closed_at = Proposal.State.REJECTED, now
            _decline_pair(proposal)
            counts["rejected"] += 1
        elif not _still_open(proposal):
            proposal.state, proposal.closed_at = Proposal.State.LAPSED, now
            counts["lapsed"] += 1
        else:
            proposal.state = Proposal.State.APPROVED
            proposal.units = edits.get(pk, proposal.units)
            counts["approved"] += 1
        proposal.save(update_fields=["state", "units", "decided_by", "decided_at", "closed_at"])
        if proposal.state == Proposal.State.APPROVED:
            transaction.on_commit(lambda p=proposal: _tell_sides(p))  # type: ignore[misc]
    return counts


@transaction.atomic
def proposal_respond(*, proposal: Proposal, user: User, accept: bool) -> Proposal:
    """One side accepts or declines an approved proposal.

    When both sides have accepted, the proposed units of the need are assigned on the board to the
    offer's side (a coordinator assignment by whoever approved the proposal), so the usual life
    cycle continues there. A proposal for fewer units than the need holds splits them off into
    their own post, which is assigned; the rest of the need stays open for other offers. Once
    matched proposals promise all of an offer's capacity, the offer is assigned too, so it no
    longer shows as open. A decline by either side closes the proposal and the pair is never
    proposed again.
    """
    proposal = (
        Proposal.objects.select_for_update().select_related("need", "offer", "group").get(pk=proposal.pk)
    )
    sides = [side for side in ("need", "offer") if responder_id(proposal, side) == user.pk]
    if not sides:
        raise PermissionDenied(_("Only the two sides can answer this proposal."))
    if proposal.state != Proposal.State.APPROVED:
        raise ValidationError(_("This proposal is not waiting for an answer."))
    answer = Proposal.Answer.ACCEPTED if accept else Proposal.Answer.DECLINED
    for side in sides:
        setattr(proposal, f"{side}_answer", answer)
    now = timezone.now()
    if not accept:
        proposal.state, proposal.closed_at = Proposal.State.DECLINED, now
        _decline_pair(proposal)
    elif proposal.need_answer == proposal.offer_answer == Proposal.Answer.ACCEPTED:
        if not _still_open(proposal) or proposal.offer.author is None or proposal.decided_by is None:
            proposal.state, proposal.closed_at = Proposal.State.LAPSED, now
        else:
            try:
                with transaction.atomic():
                    proposal.claim = _assign_units(proposal)
            except (PermissionDenied, ValidationError):
                # The approving coordinator lost the role, or the need was claimed meanwhile.
                proposal.state, proposal.closed_at = Proposal.State.LAPSED, now
            else:
                proposal.state, proposal.closed_at = Proposal.State.MATCHED, now
                proposal.save(update_fields=["state", "closed_at", "claim"])
                _close_full_offer(proposal)
                transaction.on_commit(lambda: _tell_matched(proposal))
    proposal.save(update_fields=["need_answer", "offer_answer", "state", "closed_at", "claim"])
    return proposal


def _assign_units(proposal: Proposal) -> Any:
    """Assign the proposal's units of the need to the offer's author: the whole need, or a part
    split off it when the proposal covers fewer units than the need holds."""
    assert proposal.decided_by is not None and proposal.offer.author is not None
    need = Post.objects.select_for_update().get(pk=proposal.need_id)
    if proposal.units < need.quantity:
        need = exchange_services.post_split(post=need, actor=proposal.decided_by, units=proposal.units)
    return exchange_services.post_assign(post=need, actor=proposal.decided_by, claimant=proposal.offer.author)


def _close_full_offer(proposal: Proposal) -> None:
    """When matched proposals promise all of an open offer's capacity, assign the offer to the
    need's side (its author, or the approving coordinator for a neighbour without an account),
    so the board stops showing it as open. If that cannot be done the offer stays open, and its
    promised units still keep it out of later rounds (see `_reserved`)."""
    offer = Post.objects.select_for_update().get(pk=proposal.offer_id)
    if offer.status != Status.OPEN:
        return
    promised = (
        Proposal.objects.filter(offer=offer, state=Proposal.State.MATCHED).aggregate(u=Sum("units"))["u"] or 0
    )
    if promised < offer.quantity or proposal.decided_by is None:
        return
    claimant = (
        proposal.need.author
        if proposal.need.contact_id is None and proposal.need.author
        else proposal.decided_by
    )
    try:
        with transaction.atomic():
            exchange_services.post_assign(post=offer, actor=proposal.decided_by, claimant=claimant)
    except (PermissionDenied, ValidationError):
        pass


def _tell_matched(proposal: Proposal) -> None:
    if proposal.claim is None:
        return
    post_id = proposal.claim.post_id  # the part of the need that was assigned
    url = reverse("exchange_post", kwargs={"slug": proposal.group.slug, "post_id": post_id})
    for side in ("need", "offer"):
        user_id = responder_id(proposal, side)
        user = User.objects.filter(pk=user_id).first() if user_id else None
        if user is not None:
            notify(
                user=user,
                kind="match",
                context={"group": proposal.group.name, "title": proposal.need.title, "url": url},
            )


def rounds_run_scheduled(*, now: datetime | None = None) -> int:
    """Queue a round for every group with daily rounds on, each its own job (one group's failure or size
    holds up no other), through the same one-round-per-group check as a coordinator's round: a group
    whose coordinator's round is queued or running gets none. Returns how many were queued."""
    now = now or timezone.now()
    queued = 0
    proposals_withdraw_closed(now=now)
    for group in Group.objects.filter(matching_settings__schedule=Schedule.DAILY):
        queued += _round_queue(group=group, started_by=None, now=now)[1]
    return queued
