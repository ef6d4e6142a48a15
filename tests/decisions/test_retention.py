"""Old decisions keep their outcome and tally; their ballots and electorate are purged."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings

from mutualaid.core.retention import purge_expired
from mutualaid.decisions import services
from mutualaid.decisions.models import Ballot, Eligible, Proposal
from tests.decisions.conftest import later, open_proposal


def test_ballots_and_electorates_go_after_the_retention_period(crown: Any, ada: Any, ben: Any) -> None:
    old = open_proposal(crown, ada)
    services.vote(proposal=old, user=ben, choice="object", reason="Not in winter")
    services.close(proposal=old, now=later())
    current = open_proposal(crown, ada)
    services.vote(proposal=current, user=ben, choice="agree")
    purge_expired(now=later() + datetime.timedelta(days=settings.MUTUALAID_RETENTION_DAYS - 1))
    assert Ballot.objects.filter(proposal=old).exists()
    purge_expired(now=later() + datetime.timedelta(days=settings.MUTUALAID_RETENTION_DAYS + 1))
    assert (
        not Ballot.objects.filter(proposal=old).exists()
        and not Eligible.objects.filter(proposal=old).exists()
    )
    assert Ballot.objects.filter(proposal=current).exists()  # still open: kept
    assert Proposal.objects.get(pk=old.pk).tally["counts"]["object"] == 1
