"""What deliveries tell people, through the core notification port (core.notify): in the app's inbox,
and by e-mail or SMS as each person chose (SMS is off unless they turned it on). A notice names the
group and the stop's own need or offer, never the driver's or anyone's contact details."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy

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
}
