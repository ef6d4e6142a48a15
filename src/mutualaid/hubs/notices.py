"""What hubs tell people, through the core notification port: coordinators hear when a pantry's item
runs low. A notice names the hub and the item, never who took anything."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils.translation import gettext_lazy

from mutualaid.core.notify import notify
from mutualaid.members.models import Membership, Role

if TYPE_CHECKING:
    from mutualaid.hubs.models import StockItem

NOTICE_KINDS: dict[str, tuple[Any, Any]] = {
    "hub_low_stock": (
        gettext_lazy("Running low at %(hub)s: %(item)s"),
        gettext_lazy("%(hub)s (%(group)s) has %(quantity)s of %(item)s left. %(url)s"),
    ),
}


def low_stock(item: StockItem) -> int:
    """Tell the group's coordinators that `item` went below its threshold."""
    hub = item.hub
    url = reverse("hubs_stock", kwargs={"slug": hub.group.slug, "hub_id": hub.pk})
    told = 0
    for membership in Membership.objects.filter(group_id=hub.group_id, role=Role.COORDINATOR).select_related(
        "user"
    ):
        notify(
            user=membership.user,
            kind="hub_low_stock",
            context={
                "hub": hub.name,
                "group": hub.group.name,
                "item": item.name,
                "quantity": f"{item.quantity} {item.unit or ''}".strip(),
                "url": url,
            },
        )
        told += 1
    return told
