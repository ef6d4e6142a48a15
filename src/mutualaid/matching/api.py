"""Matching through /api/v1: the same access helpers, services and selectors as the pages."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from mutualaid.core.api_types import DbId
from mutualaid.groups.access import get_group_for_coordinator, get_group_for_member
from mutualaid.matching import selectors, services
from mutualaid.matching.models import Proposal, Round
from mutualaid.members.http import AuthenticatedHttpRequest
from mutualaid.members.models import Role, User

router = Router(tags=["matching"])


class SideOut(Schema):
    post_id: int
    title: str | None  # None: a coordinators-only post the asker may not see
    category: str
    answer: str


class ProposalOut(Schema):
    id: int
    round_id: int
    state: str
    units: int
    km: float
    score: int
    reasons: dict[str, Any]
    need: SideOut
    offer: SideOut
    # The board post assigned when both sides accepted: the need itself, or the part of it split
    # off for these units (the rest of the need stays open).
    assigned_post_id: int | None = None


class RoundOut(Schema):
    id: int
    started_at: datetime
    # queued or running: the worker has not finished it yet (GET the round again); done or failed.
    state: str
    status: str  # the same as state (kept for older clients)
    finished_at: datetime | None = None
    stats: dict[str, Any]
    proposals: list[ProposalOut]  # empty until the round is done


class MatchingRoundBusyOut(Schema):
    detail: str  # "conflict": the API's one error shape (docs/api.md), with the round's id and state
    errors: dict[str, list[str]]
    id: int
    state: str


def _out(p: Proposal, user: User, *, coordinator: bool) -> ProposalOut:
    def side(post: Any, answer: str) -> SideOut:
        return SideOut(
            post_id=post.pk,
            title=selectors.shown_title(post, user, coordinator=coordinator),
            category=post.category,
            answer=answer,
        )

    return ProposalOut(
        id=p.pk,
        round_id=p.round_id,
        state=p.state,
        units=p.units,
        km=p.km,
        score=p.score,
        reasons=p.reasons,
        need=side(p.need, p.need_answer),
        offer=side(p.offer, p.offer_answer),
        assigned_post_id=p.claim.post_id if p.claim_id and p.claim else None,
    )


def _round_out(the_round: Round, user: User) -> RoundOut:
    rows = selectors._with_posts(the_round.proposals.all()) if the_round.status == Round.Status.DONE else []
    return RoundOut(
        id=the_round.pk,
        started_at=the_round.started_at,
        state=the_round.status,
        status=the_round.status,
        finished_at=the_round.finished_at,
        stats=the_round.stats,
        proposals=[_out(p, user, coordinator=True) for p in rows],
    )


@router.post(
    "/groups/{slug}/matching/rounds",
    response={202: RoundOut, 409: MatchingRoundBusyOut},
    summary="Queue a matching round (coordinators); GET the round for its state and proposals",
)
def matching_round_run(
    request: AuthenticatedHttpRequest, slug: str
) -> Status[RoundOut] | Status[MatchingRoundBusyOut]:
    group, _m = get_group_for_coordinator(request.user, slug)
    the_round, queued = services.round_request(group=group, started_by=request.user)
    if not queued:
        return Status(
            409,
            MatchingRoundBusyOut(
                detail="conflict",
                errors={"__all__": [_("A round is already running; wait for it to finish.")]},
                id=the_round.pk,
                state=the_round.status,
            ),
        )
    return Status(202, _round_out(the_round, request.user))


@router.get(
    "/groups/{slug}/matching/rounds/{round_id}",
    response=RoundOut,
    summary="A matching round: its state, and its proposals once done (coordinators)",
)
def matching_round_get(request: AuthenticatedHttpRequest, slug: str, round_id: int) -> RoundOut:
    group, _m = get_group_for_coordinator(request.user, slug)
    the_round = Round.objects.filter(group=group, pk=round_id).first()
    if the_round is None:
        raise Http404
    return _round_out(the_round, request.user)


@router.get(
    "/groups/{slug}/matching/proposals",
    response=list[ProposalOut],
    summary="Proposals: all open ones for coordinators, one's own for members",
)
def matching_proposals_list(request: AuthenticatedHttpRequest, slug: str) -> list[ProposalOut]:
    group, membership = get_group_for_member(request.user, slug)
    coordinator = membership.role == Role.COORDINATOR
    if coordinator:
        get_group_for_coordinator(request.user, slug)  # second factor
        rows = selectors.proposals_for_coordinator(group)
    else:
        rows = selectors.proposals_for_member(group, request.user)
    return [_out(p, request.user, coordinator=coordinator) for p in rows]


class DecideIn(Schema):
    approve_ids: list[DbId] = Field(default_factory=list, max_length=1000)
    reject_ids: list[DbId] = Field(default_factory=list, max_length=1000)
    edits: dict[DbId, Annotated[int, Field(ge=0, le=1_000_000)]] = Field(
        default_factory=dict, max_length=1000
    )


class DecideOut(Schema):
    approved: int
    rejected: int
    lapsed: int


@router.post(
    "/groups/{slug}/matching/proposals/decide",
    response=DecideOut,
    summary="Approve, reject or edit proposals in bulk (coordinators)",
)
def matching_proposals_decide(request: AuthenticatedHttpRequest, slug: str, payload: DecideIn) -> DecideOut:
    group, _m = get_group_for_coordinator(request.user, slug)
    if len(payload.edits) > 1000:
        raise HttpError(422, _("At most 1,000 edits at once."))
    counts = services.proposals_decide(
        group=group,
        actor=request.user,
        approve_ids=payload.approve_ids,
        reject_ids=payload.reject_ids,
        edits=payload.edits,
    )
    return DecideOut(**counts)


class RespondIn(Schema):
    decision: Literal["accept", "decline"]


@router.post(
    "/groups/{slug}/matching/proposals/{proposal_id}/respond",
    response=ProposalOut,
    summary="Accept or decline a proposal (either side)",
)
def matching_proposal_respond(
    request: AuthenticatedHttpRequest, slug: str, proposal_id: int, payload: RespondIn
) -> ProposalOut:
    group, membership = get_group_for_member(request.user, slug)
    proposal = selectors.proposal_for_responder(group, request.user, proposal_id)
    if proposal is None:
        raise Http404
    try:
        proposal = services.proposal_respond(
            proposal=proposal,
            user=request.user,
            accept=payload.decision == "accept",
        )
    except PermissionDenied:
        raise Http404 from None
    return _out(proposal, request.user, coordinator=membership.role == Role.COORDINATOR)


class SettingsIn(Schema):
    schedule: Literal["off", "daily"]


class SettingsOut(Schema):
    schedule: str


@router.put(
    "/groups/{slug}/matching/settings",
    response=SettingsOut,
    summary="Turn daily rounds on or off (coordinators)",
)
def matching_settings_update(
    request: AuthenticatedHttpRequest, slug: str, payload: SettingsIn
) -> SettingsOut:
    group, _m = get_group_for_coordinator(request.user, slug)
    found = services.settings_update(group=group, actor=request.user, schedule=payload.schedule)
    return SettingsOut(schedule=found.schedule)
