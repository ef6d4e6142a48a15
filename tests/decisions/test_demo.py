from __future__ import annotations

from typing import Any

from mutualaid.decisions.models import Ballot, Option, Proposal


def test_demo_decisions_load_twice_without_change(db: Any) -> None:
    from mutualaid.demo import load_demo

    load_demo()
    ballots = Ballot.objects.count()
    load_demo()
    assert Proposal.objects.count() == 4 and Ballot.objects.count() == ballots
    night = Proposal.objects.get(kind="ranked")
    assert night.status == "closed" and night.passed
    assert Option.objects.get(pk=night.tally["winner"]).label == "Wednesday"
    rule = Proposal.objects.get(effect="funds.approval_rule")
    assert rule.status == "open" and rule.effect_params["single_approval_limit"] == 300_00
    assert Ballot.objects.filter(proposal__anonymous=True, voter__isnull=False).count() == 0
