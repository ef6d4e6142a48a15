"""Pages for decisions: the group's proposals, opening one, a proposal with its ballot form and
outcome, voting, closing early, withdrawing, and the group's decision policy. Thin: every write is a
service call. An anonymous ballot's receipt lives only in the voter's browser (a cookie for the
proposal's pages), never in the session or on the server."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mutualaid.core.access import require_second_factor
from mutualaid.core.actions import flash_action
from mutualaid.core.forms import apply_errors
from mutualaid.decisions import rules, selectors, services
from mutualaid.decisions.forms import PolicyForm, ProposalForm
from mutualaid.decisions.models import Kind, Policy, Proposal, Status
from mutualaid.funds.models import Fund
from mutualaid.groups.access import get_group_for_coordinator, get_group_for_member
from mutualaid.groups.models import Group
from mutualaid.members.models import Membership, Role, User


def get_proposal_for_member(user: Any, slug: str, proposal_id: int) -> tuple[Proposal, Membership]:
    group, membership = get_group_for_member(user, slug)
    proposal = Proposal.objects.select_related("group", "author").filter(group=group, pk=proposal_id).first()
    if proposal is None:
        raise Http404
    return proposal, membership


def require_author_or_coordinator(user: Any, proposal: Proposal, membership: Membership) -> None:
    """Closing early and withdrawing are for the proposal's author, or a coordinator acting as one (who,
    like on every coordinator route, needs a second factor, even for their own proposal)."""
    if membership.role == Role.COORDINATOR:
        require_second_factor(user)
    elif proposal.author_id != user.pk:
        raise PermissionDenied


def receipt_cookie(proposal: Proposal) -> str:
    return f"ballot{proposal.pk}"


def choice_from_post(proposal: Proposal, data: QueryDict) -> Any:
    """The ballot the form says, in the shape `rules.check_ballot` expects (it checks the rest)."""
    if proposal.kind == Kind.SCORE:
        try:
            return int(data.get("choice", ""))
        except ValueError:
            return None
    if proposal.kind == Kind.RANKED:
        ranks = []
        for key in services.option_keys(proposal):
            value = data.get(f"rank_{key}", "").strip()
            if value:
                if not value.isdigit():
                    return None
                ranks.append((int(value), key))
        if len({rank for rank, _key in ranks}) != len(ranks):
            return None  # two options with one rank
        return [key for _rank, key in sorted(ranks)]
    if proposal.kind == Kind.TIME_POLL:
        return {key: data[f"time_{key}"] for key in services.option_keys(proposal) if data.get(f"time_{key}")}
    return data.get("choice", "")


def _counts(proposal: Proposal, labels: dict[str, str]) -> list[tuple[str, Any]]:
    """The tally as rows of (label, count) for the page."""
    counts = proposal.tally.get("counts", {})
    names = _position_labels()
    if proposal.kind in rules.POSITIONS:
        return [(str(names[p]), counts.get(p, 0)) for p in rules.POSITIONS[proposal.kind]]
    if proposal.kind == Kind.SCORE:
        return [(f"{s:+d}" if s else "0", counts.get(str(s), 0)) for s in rules.SCORES] + [
            (_("Sum"), counts.get("sum", 0))
        ]
    if proposal.kind == Kind.TIME_POLL:
        return [
            (labels.get(key, "?"), f"{counts.get(key + ':yes', 0)} / {counts.get(key + ':maybe', 0)}")
            for key in labels
        ]
    return []


def _position_labels() -> dict[str, str]:
    return {
        "agree": _("Agree"),
        "abstain": _("Abstain"),
        "object": _("Object"),
        "disagree": _("Disagree"),
        "block": _("Block"),
        "yes": _("Yes"),
        "no": _("No"),
    }


def _reason_labels() -> dict[str, str]:
    return {
        "quorum": _("too few members voted (quorum not met)"),
        "objection": _("someone objected"),
        "block": _("someone blocked"),
        "threshold": _("not enough support"),
        "duration": _("closed before the shortest voting time"),
        "no_winner": _("no option won"),
    }


def _ballot_text(choice: Any, labels: dict[str, str], positions: dict[str, str]) -> str:
    """A ballot in words: a position, a score, a ranking "A > B", or a time poll's answers."""
    if isinstance(choice, str):
        return positions.get(choice, choice)
    if isinstance(choice, int):
        return f"{choice:+d}" if choice else "0"
    if isinstance(choice, list):
        return " > ".join(labels.get(key, "?") for key in choice)
    answers = {"yes": _("Yes"), "maybe": _("Maybe"), "no": _("No")}
    return "; ".join(f"{labels.get(key, '?')}: {answers.get(value, value)}" for key, value in choice.items())


@login_required
def proposal_list(request: HttpRequest, slug: str) -> HttpResponse:
    group, membership = get_group_for_member(request.user, slug)  # type: ignore[arg-type]
    return render(
        request,
        "decisions/list.html",
        {
            "group": group,
            "membership": membership,
            "open": selectors.open_proposals(group),
            "past": selectors.past_proposals(group),
            "policy": services.policy_for(group),
            "may_propose": membership.role == Role.COORDINATOR
            or services.policy_for(group).members_may_propose,
        },
    )


def _form(group: Group, membership: Membership, data: Any = None, initial: Any = None) -> ProposalForm:
    funds = [(f.pk, f.name, f.currency) for f in Fund.objects.filter(group=group).order_by("pk")]
    members = sorted(
        ((m.pk, str(m.user)) for m in Membership.objects.filter(group=group).select_related("user")),
        key=lambda pair: pair[1].lower(),
    )
    return ProposalForm(
        data,
        initial=initial,
        funds=funds,
        members=members,
        coordinator=membership.role == Role.COORDINATOR,
    )


@login_required
def proposal_new(request: HttpRequest, slug: str) -> HttpResponse:
    group, membership = get_group_for_member(request.user, slug)  # type: ignore[arg-type]
    policy = services.policy_for(group)
    closes = timezone.localtime() + datetime.timedelta(hours=max(policy.min_hours, 72))
    initial: dict[str, Any] = {
        "closes_at": closes.replace(second=0, microsecond=0),
        "quorum_percent": policy.min_quorum_percent,
        "effect": request.GET.get("effect", ""),
        "fund": request.GET.get("fund", ""),
        "membership": request.GET.get("membership", ""),
    }
    form = _form(group, membership, request.POST or None, initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            proposal = services.proposal_open(
                group=group,
                author=request.user,  # type: ignore[arg-type]
                title=data["title"],
                body=data["body"],
                kind=data["kind"],
                closes_at=data["closes_at"],
                quorum_percent=data["quorum_percent"],
                threshold_percent=data["threshold_percent"],
                anonymous=data["anonymous"],
                reasons_required=data["reasons_required"],
                options=(data["options"] or "").splitlines(),
                times=data["times"],
                effect=data.get("effect") or "",
                effect_params=form.effect_params() if "effect" in form.fields else {},
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The proposal is open. Members have been told."))
            return redirect("decisions_proposal", slug=group.slug, proposal_id=proposal.pk)
    return render(
        request,
        "decisions/new.html",
        {"group": group, "membership": membership, "form": form, "policy": policy},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def proposal_page(request: HttpRequest, slug: str, proposal_id: int) -> HttpResponse:
    proposal, membership = get_proposal_for_member(request.user, slug, proposal_id)
    return _proposal_response(request, proposal, membership)


def _proposal_response(
    request: HttpRequest,
    proposal: Proposal,
    membership: Membership,
    *,
    posted: tuple[Any, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The proposal page; after a refused vote (`posted`: the choice and reason sent), the form shows
    what the person chose, not their earlier ballot."""
    user: User = request.user  # type: ignore[assignment]
    eligible = selectors.eligibility(proposal, user)
    labels = selectors.option_labels(proposal)
    ballot = selectors.own_ballot(proposal, user)
    receipt = request.COOKIES.get(receipt_cookie(proposal), "")
    anonymous_ballot = proposal.anonymous and services.receipt_valid(proposal, receipt)
    if posted is not None:
        shown_choice, shown_reason = posted
    else:
        shown_choice = ballot.choice if ballot else None
        shown_reason = (ballot.reason or "") if ballot else ""
    ranks: dict[str, int] = {}
    answers: dict[str, str] = {}
    if isinstance(shown_choice, list) and proposal.kind == Kind.RANKED:
        ranks = {key: i + 1 for i, key in enumerate(shown_choice)}
    if isinstance(shown_choice, dict) and proposal.kind == Kind.TIME_POLL:
        answers = dict(shown_choice)
    closed = proposal.status != Status.OPEN
    rounds = []
    if closed and proposal.kind == Kind.RANKED:
        rounds = [
            [(labels.get(key, "?"), count) for key, count in round_.items()]
            for round_ in proposal.tally.get("rounds", [])
        ]
    positions = _position_labels()
    return render(
        request,
        "decisions/proposal.html",
        {
            "group": proposal.group,
            "membership": membership,
            "proposal": proposal,
            "eligible": eligible,
            "may_vote": eligible is not None and proposal.is_open,
            "ballot": ballot,
            "shown_choice": shown_choice,
            "shown_reason": shown_reason,
            "anonymous_ballot": anonymous_ballot,
            "positions": [(p, positions[p]) for p in rules.POSITIONS.get(proposal.kind, ())],
            "scores": [(s, f"{s:+d}" if s else "0") for s in rules.SCORES],
            "options": [
                (key, label, ranks.get(key, ""), answers.get(key, "")) for key, label in labels.items()
            ],
            "voted": selectors.voted_count(proposal),
            "effect_text": selectors.effect_text(proposal),
            "counts": _counts(proposal, labels) if closed else [],
            "rounds": rounds,
            "winner": labels.get(proposal.tally.get("winner") or "", ""),
            "why": _reason_labels().get(proposal.tally.get("reason", ""), ""),
            "ballots": [
                (
                    b.voter,
                    _ballot_text(b.choice, labels, positions),
                    b.reason,
                )
                for b in selectors.open_ballots(proposal)
            ],
            "reasons": selectors.reasons(proposal),
            "may_manage": proposal.author_id == user.pk or membership.role == Role.COORDINATOR,
            "kind_label": Kind(proposal.kind).label,
        },
        status=status,
    )


@login_required
@require_POST
def vote(request: HttpRequest, slug: str, proposal_id: int) -> HttpResponse:
    proposal, membership = get_proposal_for_member(request.user, slug, proposal_id)
    receipt = request.COOKIES.get(receipt_cookie(proposal), "")
    choice = choice_from_post(proposal, request.POST)
    reason = request.POST.get("reason", "")
    try:
        receipt = services.vote(
            proposal=proposal,
            user=request.user,  # type: ignore[arg-type]
            choice=choice,
            reason=reason,
            receipt=receipt,
        )
    except ValidationError as exc:
        # Shown again with what the person chose (not their earlier ballot), so they fix only the reason.
        messages.error(request, " ".join(exc.messages))
        proposal.refresh_from_db()
        return _proposal_response(request, proposal, membership, posted=(choice, reason), status=400)
    messages.success(request, _("Your vote is recorded. You can change it until voting closes."))
    response = redirect("decisions_proposal", slug=slug, proposal_id=proposal.pk)
    if receipt:
        response.set_cookie(
            receipt_cookie(proposal),
            receipt,
            max_age=max(60, int((proposal.closes_at - timezone.now()).total_seconds())),
            path=reverse("decisions_proposal", kwargs={"slug": slug, "proposal_id": proposal.pk}),
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
    return response


@login_required
@require_POST
def close(request: HttpRequest, slug: str, proposal_id: int) -> HttpResponse:
    proposal, membership = get_proposal_for_member(request.user, slug, proposal_id)
    require_author_or_coordinator(request.user, proposal, membership)
    flash_action(
        request, lambda: services.close(proposal=proposal, early=True), success=_("Voting is closed.")
    )
    return redirect("decisions_proposal", slug=slug, proposal_id=proposal.pk)


@login_required
@require_POST
def withdraw(request: HttpRequest, slug: str, proposal_id: int) -> HttpResponse:
    proposal, membership = get_proposal_for_member(request.user, slug, proposal_id)
    require_author_or_coordinator(request.user, proposal, membership)
    flash_action(
        request,
        lambda: services.withdraw(proposal=proposal, user=request.user),  # type: ignore[arg-type]
        success=_("The proposal is withdrawn."),
    )
    return redirect("decisions_proposal", slug=slug, proposal_id=proposal.pk)


@login_required
def policy(request: HttpRequest, slug: str) -> HttpResponse:
    group, membership = get_group_for_coordinator(request.user, slug)  # type: ignore[arg-type]
    current = services.policy_for(group)
    form = PolicyForm(request.POST or None, instance=current if current.pk else Policy(group=group))
    if request.method == "POST" and form.is_valid():
        try:
            services.policy_update(
                group=group, **{name: form.cleaned_data[name] for name in services.POLICY_FIELDS}
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Saved."))
            return redirect("decisions_list", slug=group.slug)
    return render(
        request,
        "decisions/policy.html",
        {"group": group, "membership": membership, "form": form},
        status=400 if request.method == "POST" else 200,
    )
