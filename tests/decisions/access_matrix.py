"""Access rows for decisions: the list, opening a proposal, a proposal, voting, closing early and
withdrawing (its author or coordinators), the group's decision policy (coordinators), and the API."""

from __future__ import annotations

import datetime
from typing import Any

from tests.access import Route, World, crown_slug

COORDINATOR = "login 404 404 403 ok"
MEMBER = "login 404 404 ok ok"
API_COORDINATOR = "401 404 404 403 ok"
API_MEMBER = "401 404 404 ok ok"


def build(world: World) -> None:
    from django.utils import timezone

    from mutualaid.decisions import services
    from mutualaid.decisions.models import Eligible

    ada = world.users["ada"]
    closes = timezone.now() + datetime.timedelta(days=3)
    voting = services.proposal_open(
        group=world.crown, author=ada, title="Paint the hall", kind="consent", closes_at=closes
    )
    settled = services.proposal_open(
        group=world.crown, author=ada, title="Meet on Mondays", kind="majority", closes_at=closes
    )
    for eligible in Eligible.objects.filter(proposal=settled).select_related("user"):
        services.vote(proposal=settled, user=eligible.user, choice="yes")
    world.objects.update({"decision_voting": voting, "decision_settled": settled})


def voting(w: World) -> dict[str, Any]:
    return {"slug": w.crown.slug, "proposal_id": w.decision_voting.pk}


def settled(w: World) -> dict[str, Any]:
    return {"slug": w.crown.slug, "proposal_id": w.decision_settled.pk}


def closes_at() -> str:
    from django.utils import timezone

    return (timezone.localtime() + datetime.timedelta(days=4)).strftime("%Y-%m-%dT%H:%M")


def proposal_data(w: World) -> dict[str, Any]:
    return {
        "title": "Open the pantry on Sundays",
        "kind": "consent",
        "closes_at": closes_at(),
        "quorum_percent": "0",
        "threshold_percent": "50",
        "reasons_required": "on",
    }


def policy_data(w: World) -> dict[str, Any]:
    return {
        "members_may_propose": "on",
        "min_hours": "48",
        "max_days": "30",
        "min_quorum_percent": "0",
        "allow_anonymous": "on",
        "remind_hours": "24",
    }


def api_policy(w: World) -> dict[str, Any]:
    return {
        "members_may_propose": True,
        "min_hours": 48,
        "max_days": 30,
        "min_quorum_percent": 0,
        "allow_anonymous": True,
        "remind_hours": 24,
        "require_for_fund_rules": False,
        "require_for_member_removal": False,
    }


def api_proposal(w: World) -> dict[str, Any]:
    from django.utils import timezone

    return {
        "title": "Open the pantry on Sundays",
        "kind": "consent",
        "closes_at": (timezone.now() + datetime.timedelta(days=4)).isoformat(),
    }


ROUTES = [
    Route("decisions_list", MEMBER, kwargs=crown_slug),
    Route("decisions_new", MEMBER, kwargs=crown_slug),
    Route("decisions_new", MEMBER, method="POST", kwargs=crown_slug, data=proposal_data),
    Route("decisions_policy", COORDINATOR, kwargs=crown_slug),
    Route("decisions_policy", COORDINATOR, method="POST", kwargs=crown_slug, data=policy_data),
    Route("decisions_proposal", MEMBER, kwargs=voting),
    Route("decisions_proposal", MEMBER, kwargs=settled, variant="settled"),
    Route("decisions_vote", "login 405 405 405 405", kwargs=voting, variant="get"),
    Route("decisions_vote", MEMBER, method="POST", kwargs=voting, data=lambda w: {"choice": "agree"}),
    Route("decisions_close", COORDINATOR, method="POST", kwargs=settled),
    Route("decisions_withdraw", COORDINATOR, method="POST", kwargs=voting),
    # API
    Route("api:decisions_list", API_MEMBER, api=True, kwargs=crown_slug),
    Route("api:decisions_open", API_MEMBER, method="POST", api=True, kwargs=crown_slug, data=api_proposal),
    Route("api:decisions_detail", API_MEMBER, api=True, kwargs=voting),
    Route(
        "api:decisions_vote",
        API_MEMBER,
        method="POST",
        api=True,
        kwargs=voting,
        data=lambda w: {"choice": "agree"},
    ),
    Route("api:decisions_close", API_COORDINATOR, method="POST", api=True, kwargs=settled),
    Route("api:decisions_withdraw", API_COORDINATOR, method="POST", api=True, kwargs=voting),
    Route("api:decisions_policy", API_MEMBER, api=True, kwargs=crown_slug),
    Route(
        "api:decisions_policy_update",
        API_COORDINATOR,
        method="PUT",
        api=True,
        kwargs=crown_slug,
        data=api_policy,
    ),
]
