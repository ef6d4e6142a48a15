"""Retention for decisions: once a proposal has been closed (or withdrawn) for the retention period,
its ballots (who voted what, and the reasons given) and its electorate (who could vote, who did) are
deleted. The proposal keeps its outcome and tally, which name no one."""

from __future__ import annotations

from mutualaid.core.retention import PurgeRule, retention_period
from mutualaid.decisions.models import Ballot, Eligible, Status

RETENTION = [
    PurgeRule(
        name="ballots of old decisions",
        expired=lambda now: Ballot.objects.exclude(proposal__status=Status.OPEN).filter(
            proposal__closed_at__lt=now - retention_period()
        ),
    ),
    PurgeRule(
        name="electorates of old decisions",
        expired=lambda now: Eligible.objects.exclude(proposal__status=Status.OPEN).filter(
            proposal__closed_at__lt=now - retention_period()
        ),
    ),
]
