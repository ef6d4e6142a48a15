"""Changes a group may decide to make only by a passed proposal, without the deciding app below it.

The decisions app sits above funds and members in the layers; those apps must not import it. So a
service that makes a gated change (a fund's approval rule, removing a member) asks here whether the
group requires a proposal for it, and the decisions app answers by registering a checker when it
loads. With no decisions app installed nothing is gated. The decisions app itself applies a passed
proposal's change by calling the same service with `decided=True`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

FUND_RULE = "funds.approval_rule"
REMOVE_MEMBER = "members.remove"

_checkers: list[Callable[[Any, str], bool]] = []


def register(checker: Callable[[Any, str], bool]) -> None:
    """`checker(group, action)` says whether the group requires a passed proposal for `action`."""
    if checker not in _checkers:
        _checkers.append(checker)


def required(group: Any, action: str) -> bool:
    return any(checker(group, action) for checker in _checkers)


def ensure_allowed(group: Any, action: str, *, decided: bool) -> None:
    """Refuse a gated change made directly (not by a passed proposal)."""
    if decided or not required(group, action):
        return
    if action == FUND_RULE:
        raise ValidationError(
            _(
                "This group changes a fund's approval rule only by a passed proposal. Open one under Decisions."
            )
        )
    raise ValidationError(
        _("This group removes a member only by a passed proposal. Open one under Decisions.")
    )
