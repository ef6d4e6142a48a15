"""Who may do what with alerts, fetched and checked in one call.

- Any member of a group may report and opt in as a responder; members see only alerts that were sent.
- Verifiers (a role the group's coordinators grant, with a second factor like coordinators) see the
  reports of their areas, with the reporter's identity, and act on them. A plain member, or a verifier
  of another group, gets 403 on the verifiers' pages and 404 for any report.
- The hotline form is for verifiers and coordinators, who take calls.
- While a group has no verifier at all, its coordinators stand in for them (with their second factor),
  so a report never goes to nobody. For the same reason a report from a place that no verifier's area
  covers goes to all of the group's verifiers.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from mutualaid.core.access import require_second_factor
from mutualaid.defense.models import Report, State, Verifier
from mutualaid.groups.access import get_group_for_member
from mutualaid.groups.models import Group
from mutualaid.members.models import Membership, Role, User


def verifier_in(group: Group, user: User) -> Verifier | None:
    """The member's verifier role in the group; for a coordinator of a group without any verifier, an
    unsaved stand-in role covering the whole group."""
    found = Verifier.objects.filter(group=group, user=user).first()
    if found is not None:
        return found
    if (
        not Verifier.objects.filter(group=group).exists()
        and Membership.objects.filter(group=group, user=user, role=Role.COORDINATOR).exists()
    ):
        return Verifier(group=group, user=user)
    return None


def get_group_for_verifier(user: User, slug: str) -> tuple[Group, Verifier]:
    group, _membership = get_group_for_member(user, slug)
    verifier = verifier_in(group, user)
    if verifier is None:
        raise PermissionDenied
    require_second_factor(user)
    return group, verifier


def get_group_for_hotline(user: User, slug: str) -> tuple[Group, Membership]:
    """Verifiers and coordinators take hotline calls."""
    group, membership = get_group_for_member(user, slug)
    if not membership.is_coordinator and verifier_in(group, user) is None:
        raise PermissionDenied
    require_second_factor(user)
    return group, membership


def get_report_for_verifier(user: User, slug: str, report_id: int) -> tuple[Report, Verifier]:
    """A report of the group that the verifier's areas cover; 404 for anything else (even its existence)."""
    group, _membership = get_group_for_member(user, slug)
    verifier = verifier_in(group, user)
    report = Report.objects.select_related("group", "claimed_by").filter(group=group, pk=report_id).first()
    if verifier is None or report is None:
        raise Http404
    if not verifier.sees(report.cell, Verifier.objects.filter(group=group)):
        raise Http404
    require_second_factor(user)
    return report, verifier


def get_sent_alert_for_member(user: User, slug: str, report_id: int) -> Report:
    """What a plain member may see of an alert: only once it was sent (or its all-clear)."""
    group, _membership = get_group_for_member(user, slug)
    report = (
        Report.objects.filter(group=group, pk=report_id, state__in=[State.SENT, State.CLEARED])
        .select_related("group")
        .first()
    )
    if report is None:
        raise Http404
    return report
