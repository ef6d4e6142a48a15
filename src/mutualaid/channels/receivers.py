"""Notifications for events of the members app (join requests).

The members app cannot import channels (dependencies point the other way, DESIGN.md), so channels
listens to its saves. The receivers only decide who to tell and call `notify`; no rule lives here.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver
from django.urls import reverse

from mutualaid.members.models import JoinRequest, Membership, Role


@receiver(post_save, sender=JoinRequest, dispatch_uid="channels.join_request_saved")
def join_request_saved(sender: Any, instance: JoinRequest, created: bool, update_fields: Any = None, **kwargs: Any) -> None:
    from mutualaid.channels import notify

    group = instance.group
    if created and instance.status == JoinRequest.Status.PENDING:
        url = reverse("members", kwargs={"slug": group.slug})
        coordinators = Membership.objects.filter(group=group, role=Role.COORDINATOR).select_related("user")
        for membership in coordinators:
            notify(user=membership.user, kind="join_request_received",
                   context={"group": group.name, "name": instance.user.display_name, "url": url})
    elif not created and instance.status == JoinRequest.Status.APPROVED and (update_fields is None or "status" in update_fields):
        notify(user=instance.user, kind="join_request_approved",
               context={"group": group.name, "url": reverse("group", kwargs={"slug": group.slug})})
