"""Wired into the platform: a group policy makes a fund's approval rule and removing a member
decisions; the direct change is refused, and a passed proposal makes the change by itself."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from mutualaid.decisions import services
from mutualaid.funds import services as fund_services
from mutualaid.members import services as member_services
from mutualaid.members.models import Membership
from tests.decisions.conftest import later, open_proposal


def _fund(group: Any) -> Any:
    return fund_services.fund_create(group=group, name="Rent relief", single_approval_limit=5000)


def _rule_change(fund: Any, **rule: int) -> dict[str, Any]:
    values = {"single_approval_limit": 5000, "coordinator_approvals": 2, "member_approvals": 0, **rule}
    return {
        "fund": fund,
        "name": fund.name,
        "purpose": "",
        "visibility": fund.visibility,
        "allow_overdraft": False,
        **values,
    }


def test_without_a_policy_the_rule_changes_directly(crown: Any, ada: Any) -> None:
    fund = _fund(crown)
    assert (
        fund_services.fund_update(**_rule_change(fund, single_approval_limit=9000)).single_approval_limit
        == 9000
    )


def test_a_policy_refuses_the_direct_change_and_a_passed_proposal_makes_it(
    crown: Any, ada: Any, ben: Any
) -> None:
    fund = _fund(crown)
    services.policy_update(group=crown, require_for_fund_rules=True)
    with pytest.raises(ValidationError, match="passed proposal"):
        fund_services.fund_update(**_rule_change(fund, single_approval_limit=9000))
    # Renaming is not a rule change: still direct.
    fund_services.fund_update(**{**_rule_change(fund), "name": "Rent and utilities"})
    proposal = open_proposal(
        crown,
        ada,
        title="Let one coordinator approve up to $100",
        effect="funds.approval_rule",
        effect_params={
            "fund_id": fund.pk,
            "single_approval_limit": 10000,
            "coordinator_approvals": 3,
            "member_approvals": 5,
        },
    )
    services.vote(proposal=proposal, user=ben, choice="agree")
    closed = services.close(proposal=proposal, now=later())
    assert closed.passed and closed.effect_applied_at is not None and not closed.effect_error
    fund.refresh_from_db()
    assert (fund.single_approval_limit, fund.coordinator_approvals, fund.member_approvals) == (10000, 3, 5)
    assert fund.name == "Rent and utilities"


def test_an_objection_leaves_the_rule_as_it_was(crown: Any, ada: Any, ben: Any) -> None:
    fund = _fund(crown)
    services.policy_update(group=crown, require_for_fund_rules=True)
    proposal = open_proposal(
        crown,
        ada,
        effect="funds.approval_rule",
        effect_params={
            "fund_id": fund.pk,
            "single_approval_limit": 0,
            "coordinator_approvals": 1,
            "member_approvals": 0,
        },
    )
    services.vote(proposal=proposal, user=ben, choice="object", reason="One person alone should not pay out")
    closed = services.close(proposal=proposal, now=later())
    assert closed.passed is False and closed.effect_applied_at is None
    fund.refresh_from_db()
    assert (fund.single_approval_limit, fund.coordinator_approvals) == (5000, 2)


def test_impossible_changes_are_refused_when_the_proposal_opens(
    crown: Any, bush: Any, ada: Any, ben: Any
) -> None:
    other = _fund(bush)
    with pytest.raises(ValidationError) as refused:
        open_proposal(
            crown,
            ada,
            effect="funds.approval_rule",
            effect_params={
                "fund_id": other.pk,
                "single_approval_limit": 1,
                "coordinator_approvals": 1,
                "member_approvals": 0,
            },
        )
    assert "fund" in refused.value.message_dict
    fund = _fund(crown)
    with pytest.raises(ValidationError) as refused:
        open_proposal(
            crown,
            ada,
            effect="funds.approval_rule",
            effect_params={
                "fund_id": fund.pk,
                "single_approval_limit": 1,
                "coordinator_approvals": 0,
                "member_approvals": 0,
            },
        )
    assert "coordinator_approvals" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:  # a plain member cannot open a self-applying change
        open_proposal(crown, ben, effect="members.remove", effect_params={"membership_id": 1})
    assert "effect" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:  # a ranked choice cannot change a rule
        open_proposal(
            crown, ada, kind="ranked", options=["a", "b"], effect="members.remove", effect_params={}
        )
    assert "effect" in refused.value.message_dict


def test_removing_a_member_by_proposal(crown: Any, ada: Any, ben: Any, fay: Any) -> None:
    services.policy_update(group=crown, require_for_member_removal=True)
    target = Membership.objects.get(group=crown, user=fay)
    with pytest.raises(ValidationError, match="passed proposal"):
        member_services.membership_remove(membership=target)
    proposal = open_proposal(
        crown, ada, kind="majority", effect="members.remove", effect_params={"membership_id": target.pk}
    )
    services.vote(proposal=proposal, user=ada, choice="yes")
    services.vote(proposal=proposal, user=ben, choice="yes")
    services.vote(proposal=proposal, user=fay, choice="no")
    closed = services.close(proposal=proposal, now=later())
    assert closed.passed and closed.effect_applied_at
    assert not Membership.objects.filter(group=crown, user=fay).exists()


def test_a_change_that_became_impossible_is_recorded_not_raised(
    crown: Any, ada: Any, ben: Any, fay: Any
) -> None:
    target = Membership.objects.get(group=crown, user=fay)
    proposal = open_proposal(crown, ada, effect="members.remove", effect_params={"membership_id": target.pk})
    services.vote(proposal=proposal, user=ben, choice="agree")
    member_services.membership_leave(membership=target)  # fay left meanwhile
    closed = services.close(proposal=proposal, now=later())
    assert closed.passed and closed.effect_applied_at is None
    assert "not a member" in closed.effect_error


def test_the_members_page_refuses_a_gated_removal(client_for: Any, crown: Any, ada: Any, fay: Any) -> None:
    from django.urls import reverse

    services.policy_update(group=crown, require_for_member_removal=True)
    target = Membership.objects.get(group=crown, user=fay)
    client = client_for(ada)
    answer = client.post(reverse("member_remove", args=["crown", target.pk]), follow=True)
    assert "only by a passed proposal" in answer.content.decode()
    assert Membership.objects.filter(pk=target.pk).exists()
