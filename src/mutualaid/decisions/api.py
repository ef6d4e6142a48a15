"""Decisions in the JSON API: the same services as the pages. An anonymous ballot's receipt is
returned once to its voter; only with it can that ballot be changed (the server keeps its hash)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest
from ninja import Router, Schema, Status

from mutualaid.decisions import selectors, services
from mutualaid.decisions.models import Ballot, Eligible, Proposal
from mutualaid.decisions.models import Status as ProposalStatus
from mutualaid.decisions.views import get_proposal_for_member, require_author_or_coordinator
from mutualaid.groups.access import get_group_for_coordinator, get_group_for_member
from mutualaid.members.models import User

router = Router(tags=["decisions"])


class ProposalIn(Schema):
    title: str
    kind: str
    closes_at: datetime.datetime
    body: str = ""
    quorum_percent: int | None = None
    threshold_percent: int = 50
    anonymous: bool = False
    reasons_required: bool = True
    options: list[str] = []
    times: list[datetime.datetime] = []
    effect: str = ""
    effect_params: dict[str, Any] = {}


class OptionOut(Schema):
    key: str
    label: str
    starts_at: datetime.datetime | None


class DecisionOut(Schema):
    id: int
    title: str
    body: str
    kind: str
    status: str
    author_id: int | None
    opens_at: datetime.datetime
    closes_at: datetime.datetime
    quorum_percent: int
    threshold_percent: int
    anonymous: bool
    reasons_required: bool
    eligible_count: int
    voted_count: int
    options: list[OptionOut]
    effect: str
    effect_params: dict[str, Any]
    effect_applied_at: datetime.datetime | None
    effect_error: str
    passed: bool | None
    tally: dict[str, Any]
    may_vote: bool
    my_choice: Any = None


class VoteIn(Schema):
    choice: Any
    reason: str = ""
    receipt: str = ""


class BallotOut(Schema):
    receipt: str


class PolicyIO(Schema):
    members_may_propose: bool
    min_hours: int
    max_days: int
    min_quorum_percent: int
    allow_anonymous: bool
    remind_hours: int
    require_for_fund_rules: bool
    require_for_member_removal: bool


def _out(
    proposal: Proposal,
    user: Any,
    *,
    may_vote: bool | None = None,
    my_choice: Any = ...,
    voted: int | None = None,
) -> dict[str, Any]:
    """A proposal for `user`. The list passes what it read for all proposals at once (no query each)."""
    if may_vote is None:
        may_vote = selectors.eligibility(proposal, user) is not None and proposal.is_open
    if my_choice is ...:
        ballot = selectors.own_ballot(proposal, user)
        my_choice = ballot.choice if ballot else None
    return {
        "id": proposal.pk,
        "title": proposal.title or "",
        "body": proposal.body or "",
        "kind": proposal.kind,
        "status": proposal.status,
        "author_id": proposal.author_id,
        "opens_at": proposal.opens_at,
        "closes_at": proposal.closes_at,
        "quorum_percent": proposal.quorum_percent,
        "threshold_percent": proposal.threshold_percent,
        "anonymous": proposal.anonymous,
        "reasons_required": proposal.reasons_required,
        "eligible_count": proposal.eligible_count,
        "voted_count": selectors.voted_count(proposal) if voted is None else voted,
        "options": [
            {"key": o.key, "label": o.label or "", "starts_at": o.starts_at} for o in proposal.options.all()
        ],
        "effect": proposal.effect,
        "effect_params": proposal.effect_params,
        "effect_applied_at": proposal.effect_applied_at,
        "effect_error": proposal.effect_error,
        "passed": proposal.passed,
        "tally": proposal.tally if proposal.status != ProposalStatus.OPEN else {},
        "may_vote": may_vote,
        "my_choice": my_choice,
    }


@router.get("/groups/{slug}/decisions", response=list[DecisionOut], summary="A group's proposals")
def decisions_list(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    group, _membership = get_group_for_member(request.user, slug)  # type: ignore[arg-type]
    proposals = list(
        selectors.proposals(group)
        .annotate(voted=Count("electorate", filter=Q(electorate__voted=True)))
        .prefetch_related("options")[:100]
    )
    ids = [p.pk for p in proposals]
    user: User = request.user  # type: ignore[assignment]  # TokenAuth: always a member here
    eligible = set(
        Eligible.objects.filter(proposal_id__in=ids, user=user).values_list("proposal_id", flat=True)
    )
    mine = dict(Ballot.objects.filter(proposal_id__in=ids, voter=user).values_list("proposal_id", "choice"))
    return [
        _out(
            p, request.user, may_vote=p.pk in eligible and p.is_open, my_choice=mine.get(p.pk), voted=p.voted
        )
        for p in proposals
    ]


@router.post("/groups/{slug}/decisions", response={201: DecisionOut}, summary="Open a proposal")
def decisions_open(request: HttpRequest, slug: str, payload: ProposalIn) -> Status[Any]:
    group, _membership = get_group_for_member(request.user, slug)  # type: ignore[arg-type]
    proposal = services.proposal_open(group=group, author=request.user, **payload.dict())  # type: ignore[arg-type]
    return Status(201, _out(proposal, request.user))


@router.get("/groups/{slug}/decisions/{proposal_id}", response=DecisionOut, summary="A proposal")
def decisions_detail(request: HttpRequest, slug: str, proposal_id: int) -> dict[str, Any]:
    proposal, _membership = get_proposal_for_member(request.user, slug, proposal_id)
    return _out(proposal, request.user)


@router.post(
    "/groups/{slug}/decisions/{proposal_id}/vote",
    response=BallotOut,
    summary="Cast or change your vote (anonymous proposals return a receipt, needed to change it)",
)
def decisions_vote(request: HttpRequest, slug: str, proposal_id: int, payload: VoteIn) -> dict[str, Any]:
    proposal, _membership = get_proposal_for_member(request.user, slug, proposal_id)
    receipt = services.vote(
        proposal=proposal,
        user=request.user,  # type: ignore[arg-type]
        choice=payload.choice,
        reason=payload.reason,
        receipt=payload.receipt,
    )
    return {"receipt": receipt}


@router.post(
    "/groups/{slug}/decisions/{proposal_id}/close",
    response=DecisionOut,
    summary="Close a proposal early once everyone has voted (its author or coordinators)",
)
def decisions_close(request: HttpRequest, slug: str, proposal_id: int) -> dict[str, Any]:
    proposal, membership = get_proposal_for_member(request.user, slug, proposal_id)
    require_author_or_coordinator(request.user, proposal, membership)
    return _out(services.close(proposal=proposal, early=True), request.user)


@router.post(
    "/groups/{slug}/decisions/{proposal_id}/withdraw",
    response=DecisionOut,
    summary="Withdraw an open proposal (its author or coordinators)",
)
def decisions_withdraw(request: HttpRequest, slug: str, proposal_id: int) -> dict[str, Any]:
    proposal, membership = get_proposal_for_member(request.user, slug, proposal_id)
    require_author_or_coordinator(request.user, proposal, membership)
    return _out(services.withdraw(proposal=proposal, user=request.user), request.user)  # type: ignore[arg-type]


@router.get("/groups/{slug}/decision-policy", response=PolicyIO, summary="How a group decides")
def decisions_policy(request: HttpRequest, slug: str) -> Any:
    group, _membership = get_group_for_member(request.user, slug)  # type: ignore[arg-type]
    return services.policy_for(group)


@router.put(
    "/groups/{slug}/decision-policy", response=PolicyIO, summary="Change how a group decides (coordinators)"
)
def decisions_policy_update(request: HttpRequest, slug: str, payload: PolicyIO) -> Any:
    group, _membership = get_group_for_coordinator(request.user, slug)  # type: ignore[arg-type]
    return services.policy_update(group=group, **payload.dict())
