"""What a passed proposal changes by itself, by name. decisions sits above funds and members in the
layers (pyproject's import-linter contract), so it calls their services directly; they, in turn, ask
`core.decision_gates` whether a group requires a proposal, and refuse the direct change when it does.

Each effect checks its parameters when the proposal opens (so nobody votes on an impossible change),
describes itself for the page, and applies itself through the owning app's service with `decided=True`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from mutualaid.core import decision_gates
from mutualaid.funds import services as fund_services
from mutualaid.funds.models import Fund
from mutualaid.funds.money import format_money
from mutualaid.groups.models import Group
from mutualaid.members import services as member_services
from mutualaid.members.models import Membership


@dataclass(frozen=True)
class EffectHandler:
    check: Callable[[Group, dict[str, Any]], dict[str, Any]]  # canonical params, or ValidationError
    describe: Callable[[Group, dict[str, Any]], str]
    apply: Callable[[Group, dict[str, Any]], None]


def _pk(value: Any) -> int:
    """An id from parameters, or 0 (no row) for anything that is not a whole number."""
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _fund(group: Group, params: dict[str, Any]) -> Fund:
    fund = Fund.objects.filter(group=group, pk=_pk(params.get("fund_id"))).first()
    if fund is None:
        raise ValidationError({"fund": _("Choose a fund of this group.")})
    return fund


def _int(params: dict[str, Any], name: str) -> int:
    value = params.get(name)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError({name: _("Enter a whole number.")})
    return value


def fund_rule_check(group: Group, params: dict[str, Any]) -> dict[str, Any]:
    fund = _fund(group, params)
    rule = {
        "single_approval_limit": _int(params, "single_approval_limit"),
        "coordinator_approvals": _int(params, "coordinator_approvals"),
        "member_approvals": _int(params, "member_approvals"),
    }
    errors = fund_services._rule_errors(name=fund.name, visibility=fund.visibility, **rule)
    if errors:
        raise ValidationError(errors)
    return {"fund_id": fund.pk, **rule}


def fund_rule_describe(group: Group, params: dict[str, Any]) -> str:
    fund = Fund.objects.filter(group=group, pk=_pk(params.get("fund_id"))).first()
    if fund is None:
        return _("Change the approval rule of a fund that no longer exists.")
    text = _(
        "When it passes, %(fund)s's approval rule becomes: one coordinator approves up to %(limit)s; "
        "above that %(coordinators)d coordinators approve"
    ) % {
        "fund": fund.name,
        "limit": format_money(params["single_approval_limit"], fund.currency),
        "coordinators": params["coordinator_approvals"],
    }
    if params["member_approvals"]:
        text += _(", or %(members)d members") % {"members": params["member_approvals"]}
    return text + "."


def fund_rule_apply(group: Group, params: dict[str, Any]) -> None:
    fund = _fund(group, params)
    fund_services.fund_update(
        fund=fund,
        name=fund.name,
        purpose=fund.purpose or "",
        visibility=fund.visibility,
        single_approval_limit=params["single_approval_limit"],
        coordinator_approvals=params["coordinator_approvals"],
        member_approvals=params["member_approvals"],
        allow_overdraft=fund.allow_overdraft,
        decided=True,
    )


def _membership(group: Group, params: dict[str, Any]) -> Membership:
    membership = (
        Membership.objects.filter(group=group, pk=_pk(params.get("membership_id")))
        .select_related("group", "user")
        .first()
    )
    if membership is None:
        raise ValidationError({"membership": _("This person is not a member of the group (any more).")})
    return membership


def remove_check(group: Group, params: dict[str, Any]) -> dict[str, Any]:
    return {"membership_id": _membership(group, params).pk}


def remove_describe(group: Group, params: dict[str, Any]) -> str:
    membership = (
        Membership.objects.filter(group=group, pk=_pk(params.get("membership_id")))
        .select_related("user")
        .first()
    )
    if membership is None:
        return _("Remove a member who has since left.")
    return _("When it passes, %(name)s is removed from the group.") % {"name": membership.user}


def remove_apply(group: Group, params: dict[str, Any]) -> None:
    member_services.membership_remove(membership=_membership(group, params), decided=True)


EFFECTS: dict[str, EffectHandler] = {
    decision_gates.FUND_RULE: EffectHandler(fund_rule_check, fund_rule_describe, fund_rule_apply),
    decision_gates.REMOVE_MEMBER: EffectHandler(remove_check, remove_describe, remove_apply),
}


def gate(group: Any, action: str) -> bool:
    """The checker registered with core.decision_gates: does `group`'s policy require a proposal?"""
    from mutualaid.decisions.models import Policy

    field = {
        decision_gates.FUND_RULE: "require_for_fund_rules",
        decision_gates.REMOVE_MEMBER: "require_for_member_removal",
    }
    if action not in field or group is None:
        return False
    return Policy.objects.filter(group=group, **{field[action]: True}).exists()
