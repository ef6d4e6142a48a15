"""Who funds tell what, through the core notification port (kinds "approval" and "reminder" of groups; the
asker hears their request's decision through this app's own kinds). Never a purpose, payee or contributor
name: a notification travels by e-mail or SMS, so it says only that a vote or a pledge is due, or what
became of a request (its amount and fund), and where."""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mutualaid.core.notify import notify
from mutualaid.core.speaking import speaking
from mutualaid.funds.models import Pledge, Request
from mutualaid.funds.money import format_money
from mutualaid.members.models import Membership, Role

# The in-app notice keeps only the group, a name and a title (channels.NOTICE_PLACEHOLDERS): the amount
# and the fund travel in the title, written in the asker's language.
NOTICE_KINDS: dict[str, tuple[Any, Any]] = {
    "fund_request_approved": (
        gettext_lazy("Approved: %(title)s"),
        gettext_lazy("Approved in %(group)s: %(title)s. You will hear when it is paid. %(url)s"),
    ),
    "fund_request_declined": (
        gettext_lazy("Declined: %(title)s"),
        gettext_lazy("Declined in %(group)s: %(title)s. %(url)s"),
    ),
    "fund_request_paid": (
        gettext_lazy("Paid: %(title)s"),
        gettext_lazy("Paid in %(group)s: %(title)s. %(url)s"),
    ),
}


def request_decided(request: Request, kind: str) -> None:
    """Tell the member who asked what became of `request` (approved, declined or paid), in their language."""
    asker = request.requested_by
    if asker is None:  # retention cleared the requester
        return
    fund = request.fund
    with speaking(asker.language):
        title = _("your request of %(amount)s to %(fund)s") % {
            "amount": format_money(request.amount, request.currency),
            "fund": fund.name,
        }
    notify(
        user=asker,
        kind=kind,
        context={
            "title": title,
            "group": fund.group.name,
            "url": reverse("funds_request", kwargs={"slug": fund.group.slug, "request_id": request.pk}),
        },
    )


def approval_needed(request: Request) -> int:
    """Tell everyone who may approve `request` (not the requester) that their vote is needed."""
    fund = request.fund
    voters = Membership.objects.filter(group_id=fund.group_id).select_related("user", "group")
    if not fund.members_may_approve():
        voters = voters.filter(role=Role.COORDINATOR)
    url = reverse("funds_request", kwargs={"slug": fund.group.slug, "request_id": request.pk})
    told = 0
    for membership in voters.exclude(user_id=request.requested_by_id):  # type: ignore[misc]  # None once retention has cleared the requester
        with speaking(membership.user.language):
            title = _("A request of %(amount)s to %(fund)s") % {
                "amount": format_money(request.amount, request.currency),
                "fund": fund.name,
            }
        notify(
            user=membership.user,
            kind="approval",
            context={"group": fund.group.name, "title": title, "url": url},
        )
        told += 1
    return told


def pledges_due(today: datetime.date | None = None) -> int:
    """Remind coordinators of pledges due in three days and of those due today (a daily job)."""
    today = today or timezone.localdate()
    due = (
        Pledge.objects.filter(active=True, next_due__in=[today, today + datetime.timedelta(days=3)])
        .select_related("fund", "fund__group")
        .order_by("fund_id")
    )
    told = 0
    for pledge in due:
        fund = pledge.fund
        url = reverse("funds_fund", kwargs={"slug": fund.group.slug, "fund_id": fund.pk})
        for membership in Membership.objects.filter(
            group_id=fund.group_id, role=Role.COORDINATOR
        ).select_related("user"):
            with speaking(membership.user.language):
                title = _("a pledge of %(amount)s to %(fund)s is due on %(day)s") % {
                    "amount": format_money(pledge.amount, fund.currency),
                    "fund": fund.name,
                    "day": pledge.next_due.isoformat(),
                }
            notify(
                user=membership.user,
                kind="reminder",
                context={"group": fund.group.name, "title": title, "url": url},
            )
            told += 1
    return told
