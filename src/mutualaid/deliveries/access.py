"""Who may act on a delivery run as its driver or its coordinator: one rule each, used by the pages and
the API."""

from __future__ import annotations

from django.http import Http404

from mutualaid.deliveries import selectors
from mutualaid.deliveries.models import DeliveryRun, Driver, Stop
from mutualaid.groups.access import get_group_for_coordinator, get_group_for_member
from mutualaid.groups.models import Group
from mutualaid.members.models import User


def get_run_for_driver(user: User, slug: str, run_id: int) -> tuple[Group, DeliveryRun, Driver]:
    """The published run `run_id` of group `slug` that `user` drives, and their driver row; 404 otherwise."""
    group, _membership = get_group_for_member(user, slug)
    run = selectors.run_of(group, run_id)
    return group, run, selectors.driver_of(run, user)


def get_stop_for_driver(user: User, slug: str, run_id: int, stop_id: int) -> tuple[Group, DeliveryRun, Stop]:
    """A stop of that run assigned to `user` (a driver reports only their own stops); 404 otherwise."""
    group, run, _driver = get_run_for_driver(user, slug, run_id)
    stop = selectors.stop_of(run, stop_id)
    if stop.driver is None or stop.driver.member_id != user.pk:
        raise Http404
    return group, run, stop


def get_stop_for_coordinator(user: User, slug: str, run_id: int, stop_id: int) -> tuple[DeliveryRun, Stop]:
    """A stop of run `run_id` of group `slug`, for one of its coordinators (second factor); 404 otherwise."""
    group, _membership = get_group_for_coordinator(user, slug)
    run = selectors.run_of(group, run_id)
    return run, selectors.stop_of(run, stop_id)
