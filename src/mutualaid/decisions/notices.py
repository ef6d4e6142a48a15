"""Who decisions tell what, through the core notification port. A notice names the group and the
proposal's title (sealed at rest, sent to members of the group only) and links to it; never a vote."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from mutualaid.core.notify import notify
from mutualaid.core.speaking import speaking

if TYPE_CHECKING:
    from mutualaid.decisions.models import Proposal

NOTICE_KINDS: dict[str, tuple[Any, Any]] = {
    "decision_opened": (
        gettext_lazy("New proposal in %(group)s: %(title)s"),
        gettext_lazy("%(group)s asks you to decide: %(title)s. Voting closes %(closes)s. %(url)s"),
    ),
    "decision_reminder": (
        gettext_lazy("Voting closes soon: %(title)s"),
        gettext_lazy("You have not voted yet on %(title)s in %(group)s. Voting closes %(closes)s. %(url)s"),
    ),
    "decision_closed": (
        gettext_lazy("Decided: %(title)s"),
        gettext_lazy("The proposal %(title)s in %(group)s is closed: %(outcome)s. %(url)s"),
    ),
}


def _url(proposal: Proposal) -> str:
    return reverse("decisions_proposal", kwargs={"slug": proposal.group.slug, "proposal_id": proposal.pk})


def _context(proposal: Proposal, **extra: str) -> dict[str, str]:
    return {
        "group": proposal.group.name,
        "title": proposal.title or "",
        # The site's zone, as the proposal pages show it (not always UTC), named so it is unambiguous.
        "closes": f"{timezone.localtime(proposal.closes_at):%Y-%m-%d %H:%M} {timezone.get_current_timezone_name()}",
        "url": _url(proposal),
        **extra,
    }


def opened(proposal: Proposal, users: list[Any]) -> int:
    for user in users:
        notify(user=user, kind="decision_opened", context=_context(proposal))
    return len(users)


def reminder(proposal: Proposal, users: list[Any]) -> int:
    for user in users:
        notify(user=user, kind="decision_reminder", context=_context(proposal))
    return len(users)


def closed(proposal: Proposal, users: list[Any]) -> int:

    for user in users:
        with speaking(getattr(user, "language", None) or None):
            outcome = str(gettext_lazy("passed") if proposal.passed else gettext_lazy("not passed"))
        notify(user=user, kind="decision_closed", context=_context(proposal, outcome=outcome))
    return len(users)
