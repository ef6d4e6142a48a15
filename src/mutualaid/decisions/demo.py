"""Demo decisions: in Crown Heights, fund rules are a group decision; an open consent proposal raises
Rent relief's single-approval limit, and a closed ranked choice picked the meeting night. In Bushwick,
an open anonymous vote and a time poll."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from mutualaid.decisions import services
from mutualaid.decisions.models import Proposal
from mutualaid.funds.models import Fund
from mutualaid.groups.models import Group
from mutualaid.members.models import User


@transaction.atomic
def load() -> None:
    users = {
        u.username: u
        for u in User.objects.filter(username__in=["ada", "ben", "dede", "hana", "marisol", "cy", "ines"])
    }
    crown = Group.objects.get(slug="crown-heights")
    bushwick = Group.objects.get(slug="bushwick")
    now = timezone.now()
    if not Proposal.objects.filter(group=crown).exists():
        services.policy_update(group=crown, require_for_fund_rules=True)
        night = services.proposal_open(
            group=crown,
            author=users["ada"],
            title="Which night for the monthly meeting?",
            kind="ranked",
            options=["Monday", "Wednesday", "Thursday"],
            closes_at=now + datetime.timedelta(days=3),
        )
        monday, wednesday, thursday = services.option_keys(night)
        for name, ranking in (
            ("ada", [wednesday, monday]),
            ("ben", [monday, wednesday]),
            ("dede", [thursday, wednesday]),
            ("hana", [wednesday]),
        ):
            services.vote(proposal=night, user=users[name], choice=ranking)
        services.close(proposal=night, now=night.closes_at)
        rent = Fund.objects.filter(group=crown, name="Rent relief").first()
        if rent is not None:
            proposal = services.proposal_open(
                group=crown,
                author=users["ada"],
                title="Let one coordinator approve rent help up to $300",
                body="Most requests are under $300 and waiting for a second coordinator delays them by days.",
                kind="consent",
                closes_at=now + datetime.timedelta(days=4),
                effect="funds.approval_rule",
                effect_params={
                    "fund_id": rent.pk,
                    "single_approval_limit": 300_00,
                    "coordinator_approvals": rent.coordinator_approvals,
                    "member_approvals": rent.member_approvals,
                },
            )
            services.vote(proposal=proposal, user=users["ben"], choice="agree")
    if not Proposal.objects.filter(group=bushwick).exists():
        vote = services.proposal_open(
            group=bushwick,
            author=users["marisol"],
            title="¿Compramos un congelador para la despensa?",
            kind="majority",
            anonymous=True,
            closes_at=now + datetime.timedelta(days=5),
        )
        services.vote(proposal=vote, user=users["cy"], choice="yes")
        services.proposal_open(
            group=bushwick,
            author=users["marisol"],
            title="Reunión de voluntarios",
            kind="time_poll",
            times=[now + datetime.timedelta(days=d, hours=2) for d in (7, 8, 9)],
            closes_at=now + datetime.timedelta(days=6),
        )
