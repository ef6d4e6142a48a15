"""Who shifts tell what. Every notice of the app goes through here, through the core notification
port (core.notify). A notice names the shift and its time, never who else signed up or an address."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy, ngettext

from mutualaid.core.notify import notify
from mutualaid.core.speaking import join_list, speaking
from mutualaid.core.templatetags.mutualaid import named_format
from mutualaid.members.models import Membership, Role
from mutualaid.shifts.recurrence import zone

if TYPE_CHECKING:
    from mutualaid.shifts.models import Occurrence, Series, ShiftRole, Signup, Swap

NOTICE_KINDS: dict[str, tuple[Any, Any]] = {
    "shift_promoted": (
        gettext_lazy("A place opened for you: %(title)s"),
        gettext_lazy(
            "You were on the waitlist for %(title)s in %(group)s. A place opened and it is yours. %(url)s"
        ),
    ),
    "shift_cancelled": (
        gettext_lazy("Cancelled: %(title)s"),
        gettext_lazy("%(title)s in %(group)s is cancelled: there is no need to come. %(url)s"),
    ),
    "shift_needs": (
        gettext_lazy("%(title)s still needs people"),
        gettext_lazy("%(title)s in %(group)s still needs %(name)s. %(url)s"),
    ),
    "shift_skill_call": (
        gettext_lazy("%(title)s needs %(name)s"),
        gettext_lazy(
            "%(title)s in %(group)s still needs %(name)s, and you said you can help. Sign up here: %(url)s"
        ),
    ),
    "shift_reminder": (
        gettext_lazy("Reminder: %(title)s"),
        gettext_lazy(
            "You are signed up for %(title)s in %(group)s. If you can't make it, free your place here: %(url)s"
        ),
    ),
    "shift_swap": (
        gettext_lazy("%(name)s asks you to take a shift"),
        gettext_lazy("%(name)s asks you to take their place at %(title)s in %(group)s. %(url)s"),
    ),
    # Skill-shares: a member's proposal goes to the coordinators; the teacher hears their answer.
    "skillshare_proposed": (
        gettext_lazy("A skill-share to approve: %(title)s"),
        gettext_lazy(
            "%(name)s proposes to teach %(title)s in %(group)s. Approve or decline it here: %(url)s"
        ),
    ),
    "skillshare_approved": (
        gettext_lazy("Your skill-share is approved: %(title)s"),
        gettext_lazy("Your skill-share %(title)s in %(group)s is approved: members can take seats. %(url)s"),
    ),
    "skillshare_declined": (
        gettext_lazy("Your skill-share was not approved: %(title)s"),
        gettext_lazy(
            "Your skill-share %(title)s in %(group)s was not approved. Talk to a coordinator to find a way. %(url)s"
        ),
    ),
    # A skill-share's sessions read as classes with their teacher, not as volunteer shifts.
    "skillshare_promoted": (
        gettext_lazy("A seat opened for you: %(title)s"),
        gettext_lazy(
            "You were on the waitlist for the session %(title)s with %(name)s in %(group)s. A seat opened "
            "and it is yours. %(url)s"
        ),
    ),
    "skillshare_cancelled": (
        gettext_lazy("Session cancelled: %(title)s"),
        gettext_lazy(
            "The session %(title)s with %(name)s in %(group)s is cancelled: there is no need to come. %(url)s"
        ),
    ),
    "skillshare_reminder": (
        gettext_lazy("Reminder: your class %(title)s"),
        gettext_lazy(
            "You have a seat at the session %(title)s with %(name)s in %(group)s. If you can't come, free "
            "your seat here: %(url)s"
        ),
    ),
    # Distribution days (members who booked on the web; neighbours without an account get a text).
    "slot_booked": (
        gettext_lazy("Your place: %(title)s"),
        gettext_lazy("You have a place at %(title)s with %(group)s. To free it: %(url)s"),
    ),
    "slot_waiting": (
        gettext_lazy("In line for %(title)s"),
        gettext_lazy(
            "%(title)s with %(group)s is full: you are in line and will be told if a place opens. %(url)s"
        ),
    ),
    "slot_promoted": (
        gettext_lazy("A place opened: %(title)s"),
        gettext_lazy("A place opened for you at %(title)s with %(group)s. Please come. %(url)s"),
    ),
    "slot_reminder": (
        gettext_lazy("Reminder: %(title)s"),
        gettext_lazy(
            "You have a place at %(title)s with %(group)s. If you cannot come, free it here: %(url)s"
        ),
    ),
    "slot_day_cancelled": (
        gettext_lazy("Cancelled: %(title)s"),
        gettext_lazy("The distribution at %(title)s with %(group)s is cancelled. %(url)s"),
    ),
}


def when(occurrence: Occurrence) -> str:
    """The occurrence's title and local start, in the active language."""
    local = occurrence.starts_at.astimezone(zone(occurrence.series.time_zone))
    return f"{occurrence.series.title}, {date_format(local, named_format('WEEKDAY_DAY_TIME_FORMAT'))}"


def _occurrence_url(occurrence: Occurrence) -> str:
    return reverse(
        "shifts_occurrence", kwargs={"slug": occurrence.series.group.slug, "occurrence_id": occurrence.pk}
    )


# A skill-share session says so: the shift notice kinds that have a session wording.
_SESSION_KINDS = {
    "shift_promoted": "skillshare_promoted",
    "shift_cancelled": "skillshare_cancelled",
    "shift_reminder": "skillshare_reminder",
}


def _tell(user: Any, kind: str, occurrence: Occurrence, url: str, name: str = "") -> None:
    series = occurrence.series
    session = series.kind == "skillshare" and kind in _SESSION_KINDS
    if session:
        kind = _SESSION_KINDS[kind]
    with speaking(user.language):
        title = when(occurrence)
        if session:
            name = str(series.lead) if series.lead_id else gettext("the group")
    notify(
        user=user,
        kind=kind,
        context={"group": occurrence.series.group.name, "title": title, "url": url, "name": name},
    )


def promoted(signup: Signup) -> None:
    _tell(signup.user, "shift_promoted", signup.occurrence, _occurrence_url(signup.occurrence))


def cancelled(occurrence: Occurrence, signups: list[Signup]) -> int:
    for signup in signups:
        _tell(signup.user, "shift_cancelled", occurrence, _occurrence_url(occurrence))
    return len(signups)


def needs(occurrence: Occurrence, shortfall: list[tuple[str, int]]) -> int:
    """Tell the group's coordinators which roles of `occurrence` still have open slots."""
    told = 0
    coordinators = Membership.objects.filter(
        group_id=occurrence.series.group_id, role=Role.COORDINATOR
    ).select_related("user")
    for membership in coordinators:
        with speaking(membership.user.language):
            name = join_list(
                ngettext("%(count)d %(role)s", "%(count)d %(role)s", count) % {"count": count, "role": role}
                for role, count in shortfall
            )
        _tell(membership.user, "shift_needs", occurrence, _occurrence_url(occurrence), name=name)
        told += 1
    return told


def skill_call(user: Any, occurrence: Occurrence, role: ShiftRole, free: int) -> None:
    """Ask a member with the role's skill to take one of its `free` places."""
    with speaking(user.language):
        name = ngettext("%(count)d %(role)s", "%(count)d %(role)s", free) % {"count": free, "role": role.name}
    _tell(user, "shift_skill_call", occurrence, _occurrence_url(occurrence), name=name)


def reminder(signup: Signup, cant_url: str) -> None:
    _tell(signup.user, "shift_reminder", signup.occurrence, cant_url)


def swap_asked(swap: Swap) -> None:
    occurrence = swap.signup.occurrence
    _tell(
        swap.to_user,
        "shift_swap",
        occurrence,
        reverse("shifts_mine", kwargs={"slug": occurrence.series.group.slug}),
        name=str(swap.signup.user.display_name),
    )


def _skillshares_url(series: Series) -> str:
    return reverse("shifts_skillshares", kwargs={"slug": series.group.slug})


def skillshare_proposed(series: Series) -> int:
    """Tell the group's coordinators a member proposes a session (its title, never its description)."""
    told = 0
    for membership in Membership.objects.filter(
        group_id=series.group_id, role=Role.COORDINATOR
    ).select_related("user"):
        notify(
            user=membership.user,
            kind="skillshare_proposed",
            context={
                "group": series.group.name,
                "title": series.title,
                "url": _skillshares_url(series),
                "name": str(series.lead.display_name) if series.lead else "",
            },
        )
        told += 1
    return told


def skillshare_decided(series: Series, teacher: Any, *, approved: bool) -> None:
    notify(
        user=teacher,
        kind="skillshare_approved" if approved else "skillshare_declined",
        context={
            "group": series.group.name,
            "title": series.title,
            "url": _skillshares_url(series),
            "name": "",
        },
    )
