"""What decisions hold about a member, for their own download (core.export): proposals they wrote, where
they may vote, and their own ballots (their choice and reason)."""

from __future__ import annotations

from typing import Any

from mutualaid.core.export import Names, rows
from mutualaid.decisions.models import Ballot, Eligible, Proposal


def personal_data(user: Any) -> dict[str, Any]:
    names = Names(user)
    return {
        "proposals": rows(Proposal.objects.filter(author=user).order_by("pk"), names=names),
        "eligible": rows(Eligible.objects.filter(user=user).order_by("pk"), names=names),
        "ballots": rows(Ballot.objects.filter(voter=user).order_by("pk"), names=names),
    }
