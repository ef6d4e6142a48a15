"""What matching holds about a member, for their own download (core.export): proposals that paired one
of their posts, proposals they answered, rounds they started."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from mutualaid.core.export import Names, rows
from mutualaid.matching.models import Proposal, Round


def personal_data(user: Any) -> dict[str, Any]:
    names = Names(user)
    proposals = Proposal.objects.filter(Q(need__author=user) | Q(offer__author=user) | Q(decided_by=user))
    return {
        "proposals": rows(proposals.order_by("pk"), names=names, exclude=("reasons",)),
        "rounds_you_started": rows(
            Round.objects.filter(started_by=user).order_by("pk"),
            names=names,
            fields=("id", "group", "started_by", "started_at", "status", "finished_at"),
        ),
    }
