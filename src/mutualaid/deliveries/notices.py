"""What deliveries tell people, through the core notification port (core.notify): in the app's inbox,
and by e-mail or SMS as each person chose (SMS is off unless they turned it on). A notice names the
group and the stop's own need or offer, never the driver's or anyone's contact details."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy

from mutualaid.core.notify import notify
from mutualaid.exchange.models import Post, Status
from mutualaid.members.models import User

NOTICE_KINDS: dict[str, tuple[Any, Any]] = {
    "delivery_on_the_way": (
        gettext_lazy("Your driver is on the way"),
        gettext_lazy(
            "%(group)s: your driver is on the way for %(title)s, expected around %(eta)s. "
            "To reach the driver, answer through the group's number. %(url)s"
        ),
    ),
    "delivery_setting_out": (  # the same, for a plan made without hours or windows (no time to give)
        gettext_lazy("Your driver is on the way"),
        gettext_lazy(
            "%(group)s: your driver is on the way for %(title)s. "
            "To reach the driver, answer through the group's number. %(url)s"
        ),
    ),
    "delivery_route_changed": (
        gettext_lazy("Your delivery route changed: %(title)s"),
        gettext_lazy(
            "%(group)s re-planned the delivery run of %(title)s and your stops changed. "
            "See your route before you set out: %(url)s"
        ),
    ),
    "delivery_stop_changed": (
        gettext_lazy("A stop on your delivery route changed: %(title)s"),
        gettext_lazy(
            "%(group)s changed stop %(code)s of your delivery route of %(title)s (%(what)s). "
            "See your route before you set out: %(url)s"
        ),
    ),
    # The poster of a stop's post hears that the driver could not complete it and it is open again on
    # the board: the reason category is the kind (so the inbox says it in the reader's language); the
    # driver's own note, name and contact details never travel.
    "delivery_not_home": (
        gettext_lazy("Open again, nobody was home: %(title)s"),
        gettext_lazy(
            "%(group)s: the driver found nobody home for %(title)s, so it is open again on the board. %(url)s"
        ),
    ),
    "delivery_not_delivered": (
        gettext_lazy("Open again, it could not be delivered: %(title)s"),
        gettext_lazy(
            "%(group)s: the driver could not deliver %(title)s, so it is open again on the board. %(url)s"
        ),
    ),
    "delivery_not_picked_up": (  # the same, for a pickup from an offer
        gettext_lazy("Open again, it could not be picked up: %(title)s"),
        gettext_lazy(
            "%(group)s: the driver could not pick up %(title)s, so it is open again on the board. %(url)s"
        ),
    ),
    # The need expired (the daily expiry) while it waited for the run: it is not open, and only its poster
    # can renew it. Needs only: offers do not expire.
    "delivery_not_done_expired": (
        gettext_lazy("Not delivered, and expired: %(title)s"),
        gettext_lazy(
            "%(group)s: the driver could not complete the delivery of %(title)s, and the need has expired. "
            "Renew it if you still need help. %(url)s"
        ),
    ),
}

NOT_DELIVERED_KINDS = {"nobody_home": "delivery_not_home", "failed": "delivery_not_delivered"}


def poster_told_not_delivered(
    *, user: User, post: Post, outcome: str, group_name: str, pickup: bool = False
) -> None:
    """Tell `user` (the poster of `post`, or a coordinator for a post without one), in their language, that the driver reported `outcome` (nobody home or
    couldn't deliver) and the post is open again, or, for a need that expired meanwhile, that it can be
    renewed. Stored in the caller's transaction (core.notify)."""
    if post.status == Status.EXPIRED:
        kind = "delivery_not_done_expired"
    elif pickup and outcome == "failed":
        kind = "delivery_not_picked_up"
    else:
        kind = NOT_DELIVERED_KINDS[outcome]
    notify(
        user=user,
        kind=kind,
        context={
            "group": group_name,
            "title": post.title,
            "url": reverse("exchange_post", kwargs={"slug": post.group.slug, "post_id": post.pk}),
        },
    )
