"""Access helpers for shifts: fetch a series, occurrence or sign-up and check the asker may act on it.

Everything lives inside a group: outsiders get 404. Members see series and occurrences; coordinators
(with a second factor) change them; a series' lead, or a coordinator, records attendance and outcomes.
Attendance (who did not come) is shown to coordinators only.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from mutualaid.groups.access import (
    SecondFactorRequired,
    coordinator_has_second_factor,
    get_group_for_coordinator,
    get_group_for_member,
)
from mutualaid.groups.models import Group
from mutualaid.members.models import Membership, User
from mutualaid.shifts.models import (
    DistributionDay,
    Occurrence,
    Series,
    ShiftRole,
    Signup,
    SlotBooking,
    Standing,
    Swap,
)


def _series_in(group: Group, series_id: int) -> Series:
    series = Series.objects.select_related("group", "lead").filter(group=group, pk=series_id).first()
    if series is None:
        raise Http404
    return series


def get_series_for_member(user: User, slug: str, series_id: int) -> tuple[Series, Membership]:
    """A skill-share proposal still waiting for approval is seen by its teacher and coordinators only."""
    group, membership = get_group_for_member(user, slug)
    series = _series_in(group, series_id)
    hidden = not series.approved and series.lead_id != user.pk
    if hidden and not (membership.is_coordinator and coordinator_has_second_factor(user)):
        raise Http404
    return series, membership


def get_series_for_coordinator(user: User, slug: str, series_id: int) -> tuple[Series, Membership]:
    group, membership = get_group_for_coordinator(user, slug)
    return _series_in(group, series_id), membership


def get_role_for_coordinator(user: User, slug: str, role_id: int) -> ShiftRole:
    group, _membership = get_group_for_coordinator(user, slug)
    role = ShiftRole.objects.select_related("series__group").filter(series__group=group, pk=role_id).first()
    if role is None:
        raise Http404
    return role


def get_occurrence_for_member(user: User, slug: str, occurrence_id: int) -> tuple[Occurrence, Membership]:
    group, membership = get_group_for_member(user, slug)
    occurrence = (
        Occurrence.objects.select_related("series__group", "series__lead")
        .filter(series__group=group, pk=occurrence_id)
        .first()
    )
    if occurrence is None:
        raise Http404
    return occurrence, membership


def get_occurrence_for_coordinator(
    user: User, slug: str, occurrence_id: int
) -> tuple[Occurrence, Membership]:
    occurrence, membership = get_occurrence_for_member(user, slug, occurrence_id)
    get_group_for_coordinator(user, slug)
    return occurrence, membership


def may_lead(user: User, membership: Membership, series: Series) -> bool:
    if series.lead_id == user.pk:
        return True
    return membership.is_coordinator and coordinator_has_second_factor(user)


def get_occurrence_for_lead(user: User, slug: str, occurrence_id: int) -> tuple[Occurrence, Membership]:
    occurrence, membership = get_occurrence_for_member(user, slug, occurrence_id)
    if membership.is_coordinator:
        # A coordinator needs the second factor even when leading the shift themselves (property 11).
        if not coordinator_has_second_factor(user):
            raise SecondFactorRequired
        return occurrence, membership
    if occurrence.series.lead_id != user.pk:
        raise PermissionDenied
    return occurrence, membership


def get_series_for_lead(user: User, slug: str, series_id: int) -> tuple[Series, Membership]:
    """A series its lead (a skill-share's teacher) or a coordinator (with the second factor) may edit."""
    series, membership = get_series_for_member(user, slug, series_id)
    if membership.is_coordinator:
        if not coordinator_has_second_factor(user):
            raise SecondFactorRequired
        return series, membership
    if series.lead_id != user.pk:
        raise PermissionDenied
    return series, membership


def sees_attendance(user: User, membership: Membership) -> bool:
    """No-shows are for coordinators only (never members, never public)."""
    return membership.is_coordinator and coordinator_has_second_factor(user)


def get_own_signup(user: User, slug: str, signup_id: int) -> Signup:
    group, _membership = get_group_for_member(user, slug)
    signup = (
        Signup.objects.select_related("occurrence__series__group", "role")
        .filter(occurrence__series__group=group, pk=signup_id, user=user)
        .first()
    )
    if signup is None:
        raise Http404
    return signup


def get_own_standing(user: User, slug: str, standing_id: int) -> Standing:
    group, _membership = get_group_for_member(user, slug)
    standing = Standing.objects.filter(series__group=group, pk=standing_id, user=user).first()
    if standing is None:
        raise Http404
    return standing


def get_swap_for_answer(user: User, slug: str, swap_id: int) -> Swap:
    group, _membership = get_group_for_member(user, slug)
    swap = Swap.objects.filter(signup__occurrence__series__group=group, pk=swap_id, to_user=user).first()
    if swap is None:
        raise Http404
    return swap


# Distribution days -------------------------------------------------------------------------------


def get_day_for_member(user: User, slug: str, day_id: int) -> tuple[DistributionDay, Membership]:
    group, membership = get_group_for_member(user, slug)
    day = DistributionDay.objects.select_related("group").filter(group=group, pk=day_id).first()
    if day is None:
        raise Http404
    return day, membership


def get_day_for_coordinator(user: User, slug: str, day_id: int) -> DistributionDay:
    day, _membership = get_day_for_member(user, slug, day_id)
    get_group_for_coordinator(user, slug)
    return day


def get_booking_for_cancel(user: User, slug: str, booking_id: int) -> SlotBooking:
    """A member frees their own booking; a coordinator (with a second factor) any booking of the group."""
    group, membership = get_group_for_member(user, slug)
    booking = (
        SlotBooking.objects.select_related("slot__day__group")
        .filter(slot__day__group=group, pk=booking_id)
        .first()
    )
    if booking is None:
        raise Http404
    if booking.user_id == user.pk:
        return booking
    if not membership.is_coordinator:
        raise Http404
    if not coordinator_has_second_factor(user):
        raise SecondFactorRequired
    return booking


def get_booking_for_coordinator(user: User, slug: str, booking_id: int) -> SlotBooking:
    group, _membership = get_group_for_coordinator(user, slug)
    booking = (
        SlotBooking.objects.select_related("slot__day__group")
        .filter(slot__day__group=group, pk=booking_id)
        .first()
    )
    if booking is None:
        raise Http404
    return booking
