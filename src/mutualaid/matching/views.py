"""Matching pages. Thin: access helpers fetch and authorise, services write, selectors read."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from mutualaid.core.actions import flash_action
from mutualaid.groups.access import get_group_for_coordinator, get_group_for_member
from mutualaid.matching import selectors, services
from mutualaid.matching.models import Schedule
from mutualaid.members.http import AuthenticatedHttpRequest
from mutualaid.members.models import Role


@login_required
def rounds(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Coordinators: run a round, and see proposals waiting for a decision or for the two sides."""
    group, _m = get_group_for_coordinator(request.user, slug)
    if request.method == "POST":
        the_round, queued = services.round_request(group=group, started_by=request.user)
        when = date_format(timezone.localtime(the_round.started_at), "j M Y H:i")
        if queued:
            messages.success(request, _("Round started. Its proposals show here when it finishes."))
        else:
            messages.warning(
                request,
                _("A round is already running (started at %(when)s); wait for it to finish.")
                % {"when": when},
            )
        return redirect("matching_rounds", slug=group.slug)
    proposals = selectors.proposals_for_coordinator(group)
    return render(
        request,
        "matching/rounds.html",
        {
            "group": group,
            "round": selectors.latest_round(group),
            "proposed": [p for p in proposals if p.state == p.State.PROPOSED],
            "approved": [p for p in proposals if p.state == p.State.APPROVED],
            "settings": services.settings_for(group),
            "schedules": Schedule.choices,
        },
    )


def _ids(values: list[str]) -> list[int]:
    return [int(v) for v in values if v.isdigit()]


@login_required
@require_POST
def decide(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Bulk decision: the ticked proposals are approved (with their units) or rejected."""
    group, _m = get_group_for_coordinator(request.user, slug)
    selected = _ids(request.POST.getlist("selected"))
    action = request.POST.get("action")
    if action not in {"approve", "reject"} or not selected:
        messages.error(request, _("Tick at least one proposal, then approve or reject."))
        return redirect("matching_rounds", slug=group.slug)
    edits: dict[int, int] = {}
    if action == "approve":
        for pk in selected:
            raw = request.POST.get(f"units-{pk}", "")
            if raw.strip():
                edits[pk] = int(raw) if raw.strip().isdigit() else 0
    counts: dict[str, int] = {}
    if flash_action(
        request,
        lambda: counts.update(
            services.proposals_decide(
                group=group,
                actor=request.user,
                approve_ids=selected if action == "approve" else (),
                reject_ids=selected if action == "reject" else (),
                edits=edits,
            )
        ),
    ):
        messages.success(
            request, _("Approved: %(approved)d. Rejected: %(rejected)d. No longer open: %(lapsed)d.") % counts
        )
    return redirect("matching_rounds", slug=group.slug)


@login_required
@require_POST
def settings_update(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    group, _m = get_group_for_coordinator(request.user, slug)
    flash_action(
        request,
        lambda: services.settings_update(
            group=group,
            actor=request.user,
            schedule=request.POST.get("schedule", ""),
        ),
        success=_("Matching settings saved."),
    )
    return redirect("matching_rounds", slug=group.slug)


@login_required
def mine(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Members: proposals to answer, and "suggested for you" under each of one's own open posts."""
    group, membership = get_group_for_member(request.user, slug)
    coordinator = membership.role == Role.COORDINATOR
    rows = []
    for p in selectors.proposals_for_member(group, request.user):
        sides = [s for s in ("need", "offer") if services.responder_id(p, s) == request.user.pk]
        rows.append(
            {
                "proposal": p,
                "sides": sides,
                "need_title": selectors.shown_title(p.need, request.user, coordinator=coordinator),
                "offer_title": selectors.shown_title(p.offer, request.user, coordinator=coordinator),
                "waiting": p.state == p.State.APPROVED
                and any(getattr(p, f"{s}_answer") == "" for s in sides),
                "status": selectors.status_for_side(p, sides),
            }
        )
    return render(
        request,
        "matching/mine.html",
        {
            "group": group,
            "rows": rows,
            "own": selectors.suggested_for(group, request.user),
        },
    )


@login_required
@require_POST
def respond(request: AuthenticatedHttpRequest, slug: str, proposal_id: int) -> HttpResponse:
    group, _m = get_group_for_member(request.user, slug)
    proposal = selectors.proposal_for_responder(group, request.user, proposal_id)
    if proposal is None:
        raise Http404
    decision = request.POST.get("decision")
    if decision not in {"accept", "decline"}:
        messages.error(request, _("Choose accept or decline."))
        return redirect("matching_mine", slug=group.slug)
    answered: list[Any] = []
    try:
        done = flash_action(
            request,
            lambda: answered.append(
                services.proposal_respond(proposal=proposal, user=request.user, accept=decision == "accept")
            ),
        )
    except PermissionDenied:
        raise Http404 from None
    if done:
        messages.success(request, _answer_message(answered[0]))
    return redirect("matching_mine", slug=group.slug)


def _answer_message(proposal: Any) -> str:
    if (
        proposal.state == proposal.State.MATCHED
        and proposal.claim
        and proposal.claim.post_id != proposal.need_id
    ):
        return ngettext(
            "Both sides accepted: %(units)d unit of the need is now assigned on the board; the rest stays open.",
            "Both sides accepted: %(units)d units of the need are now assigned on the board; the rest stays open.",
            proposal.units,
        ) % {"units": proposal.units}
    return str(
        {
            "matched": _("Both sides accepted: the need is now assigned on the board."),
            "declined": _("Declined. This pair will not be proposed again."),
            "lapsed": _("One of the posts is no longer open, so this proposal lapsed."),
        }.get(proposal.state, _("Thank you, your answer is saved. Waiting for the other side."))
    )
