"""Reads about decisions, scoped to a group the asker belongs to (access checks are in the callers)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from mutualaid.decisions.effects import EFFECTS
from mutualaid.decisions.models import Ballot, Eligible, Proposal, Status
from mutualaid.groups.models import Group
from mutualaid.members.models import User


def proposals(group: Group) -> QuerySet[Proposal]:
    return Proposal.objects.filter(group=group).select_related("author")


def open_proposals(group: Group) -> list[Proposal]:
    return list(proposals(group).filter(status=Status.OPEN).order_by("closes_at", "pk"))


def past_proposals(group: Group, limit: int = 30) -> list[Proposal]:
    return list(proposals(group).exclude(status=Status.OPEN)[:limit])


def eligibility(proposal: Proposal, user: User) -> Eligible | None:
    return Eligible.objects.filter(proposal=proposal, user=user).first()


def own_ballot(proposal: Proposal, user: User) -> Ballot | None:
    """The asker's open ballot (anonymous ballots are found only by their receipt)."""
    if proposal.anonymous:
        return None
    return Ballot.objects.filter(proposal=proposal, voter=user).first()


def voted_count(proposal: Proposal) -> int:
    return proposal.electorate.filter(voted=True).count()


def open_ballots(proposal: Proposal) -> list[Ballot]:
    """Who voted what, for open proposals once they are closed (votes are open within the group)."""
    if proposal.anonymous or proposal.status == Status.OPEN:
        return []
    return list(proposal.ballots.select_related("voter").order_by("voter__display_name"))


def reasons(proposal: Proposal) -> list[str]:
    """Anonymous proposals show the reasons given, after closing, without names."""
    if not proposal.anonymous or proposal.status == Status.OPEN:
        return []
    return sorted(r for r in proposal.ballots.values_list("reason", flat=True) if r)


def effect_text(proposal: Proposal) -> str:
    if not proposal.effect:
        return ""
    return EFFECTS[proposal.effect].describe(proposal.group, dict(proposal.effect_params))


def option_labels(proposal: Proposal) -> dict[str, str]:
    from django.utils import formats, timezone

    labels: dict[str, Any] = {}
    for option in proposal.options.all():
        if option.starts_at:
            labels[option.key] = formats.date_format(timezone.localtime(option.starts_at), "DATETIME_FORMAT")
        else:
            labels[option.key] = option.label or ""
    return labels
